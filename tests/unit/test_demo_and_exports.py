"""Done-when of the scan core: a demo of 2000 respondents, every export, and the exports agree with the rules.

The scores are recomputed here from the `answers` and `codebook` exports alone, with plain pandas, so the
check does not lean on the code it checks.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.helpers import scan_cli

RESPONDENTS = 2000


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "d.duckdb"
    result = scan_cli("demo", "--db", str(db), "--respondents", str(RESPONDENTS))
    assert result.returncode == 0, result.stderr
    for what in ("answers", "codebook", "scores", "team-scores"):
        for fmt in ("csv", "xlsx"):
            if what in ("answers", "scores") and fmt == "xlsx":
                continue  # checked below on a size Excel takes
            out = folder / f"{what}.{fmt}"
            result = scan_cli("export", "--db", str(db), "--what", what, "--format", fmt, "--out", str(out))
            assert result.returncode == 0, result.stderr
            assert out.stat().st_size > 0
    return folder


def test_exports_have_the_promised_columns(exported):
    assert list(pd.read_csv(exported / "answers.csv", nrows=1).columns) == [
        "respondent_id", "team", "wave", "item_id", "value"]  # fmt: skip
    assert list(pd.read_csv(exported / "codebook.csv").columns) == [
        "item_id", "construct", "dimension", "scale", "reverse", "text_nl", "text_en", "source"]  # fmt: skip
    assert list(pd.read_csv(exported / "scores.csv", nrows=1).columns) == [
        "respondent_id", "team", "wave", "dimension", "score"]  # fmt: skip
    team_scores = pd.read_csv(exported / "team-scores.csv")
    assert list(team_scores.columns) == ["team", "wave", "dimension", "n", "mean", "sd"]
    assert (team_scores["n"] >= 5).all()
    excel = pd.read_excel(exported / "team-scores.xlsx")
    assert len(excel) == len(team_scores)
    assert set(pd.read_excel(exported / "codebook.xlsx")["scale"]) == {"likert5"}


def test_the_streamed_csvs_list_the_rows_in_the_exports_order(exported):
    """The database writes these CSVs in parallel: the rows still come in the order the export promises."""
    conn = duckdb.connect(str(exported / "d.duckdb"), read_only=True)
    try:
        for what, key, order in (
            ("answers", "item_id", "x.item_id FROM answers x"),
            ("scores", "dimension", "x.dimension FROM scores x"),
        ):
            stored = conn.execute(
                f"SELECT u.pseudonym, {order} JOIN responses p ON p.id = x.response_id"
                f" JOIN users u ON u.id = p.user_id ORDER BY p.id, {order.split()[0]}"
            ).fetchall()
            written = pd.read_csv(exported / f"{what}.csv", usecols=["respondent_id", key])
            assert list(written.itertuples(index=False, name=None)) == stored, what
    finally:
        conn.close()


def test_answers_are_valid_and_respondents_pseudonymous(exported):
    answers = pd.read_csv(exported / "answers.csv")
    codebook = pd.read_csv(exported / "codebook.csv")
    assert answers["value"].between(1, 5).all()
    assert set(answers["item_id"]) <= set(codebook["item_id"])
    assert answers["respondent_id"].str.fullmatch(r"r[0-9a-f]{16}").all()
    assert answers["respondent_id"].nunique() <= RESPONDENTS


def test_scores_follow_the_rules_applied_to_answers_and_codebook(exported):
    answers = pd.read_csv(exported / "answers.csv")
    codebook = pd.read_csv(exported / "codebook.csv")
    scores = pd.read_csv(exported / "scores.csv")

    merged = answers.merge(codebook[["item_id", "dimension", "construct", "reverse"]], on="item_id")
    merged["v"] = np.where(merged["reverse"], 6 - merged["value"], merged["value"])
    size = codebook.groupby("dimension").size()
    sub = merged.groupby(["respondent_id", "wave", "dimension"])["v"].agg(["mean", "count"]).reset_index()
    sub = sub[sub["count"] >= 0.75 * sub["dimension"].map(size)]
    construct_of = codebook.drop_duplicates("dimension").set_index("dimension")["construct"]
    parts = construct_of.groupby(construct_of).size()
    sub["construct"] = sub["dimension"].map(construct_of)
    con = sub.groupby(["respondent_id", "wave", "construct"])["mean"].agg(["mean", "count"]).reset_index()
    con = con[con["count"] == con["construct"].map(parts)].rename(columns={"construct": "dimension"})
    expected = pd.concat([sub[["respondent_id", "wave", "dimension", "mean"]],
                          con[["respondent_id", "wave", "dimension", "mean"]]])  # fmt: skip

    both = scores.merge(expected, on=["respondent_id", "wave", "dimension"], how="outer", indicator=True)
    assert (both["_merge"] == "both").all(), both["_merge"].value_counts()
    assert np.allclose(both["score"], both["mean"])
    assert set(expected["dimension"]) == set(codebook["dimension"]) | set(codebook["construct"])


def test_team_scores_are_mean_and_sd_of_scores(exported):
    scores = pd.read_csv(exported / "scores.csv")
    team_scores = pd.read_csv(exported / "team-scores.csv")
    grouped = scores.groupby(["team", "wave", "dimension"])["score"].agg(n="count", mean="mean", sd="std").reset_index()
    grouped = grouped[grouped["n"] >= 5]
    both = team_scores.merge(grouped, on=["team", "wave", "dimension"], how="outer", suffixes=("", "_x"))
    assert len(both) == len(team_scores) == len(grouped)
    assert (both["n"] == both["n_x"]).all()
    assert np.allclose(both["mean"], both["mean_x"])
    assert np.allclose(both["sd"], both["sd_x"], atol=1e-6)


def test_min_n_changes_what_team_scores_leave_out(exported):
    db = exported / "d.duckdb"
    out = exported / "ts3.csv"
    assert (
        scan_cli("export", "--db", str(db), "--what", "team-scores", "--min-n", "3", "--out", str(out)).returncode == 0
    )
    three = pd.read_csv(out)
    assert three["n"].min() >= 3 and len(three) > len(pd.read_csv(exported / "team-scores.csv"))
