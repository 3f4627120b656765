"""The questionnaire file: complete, faithful to its sources, and a broken file is refused with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scan.config import QUESTIONNAIRE_FILE
from scan.questionnaire import LANGUAGES, SEED_FILES, QuestionnaireError, load_questionnaire, parse_questionnaire

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
BUILDING_BLOCKS = {
    "identiteit": {"id_eigen_expertise", "id_eigen_grenzen", "id_expertise_anderen"},
    "netwerk": {"nw_verbindingen", "nw_gedeelde_verantwoordelijkheid", "nw_diversiteit", "nw_gedeelde_doelen"},
    "organisatie": {"or_cultuur", "or_structuur", "or_rollen"},
    "verbinding": {"vb_reflexiviteit", "vb_lerende_cultuur", "vb_spanningen"},
}


def test_every_subdimension_has_three_items_in_both_languages_with_a_source(questionnaire):
    for sub in questionnaire.subdimensions:
        assert len(sub.items) >= 3, sub.id
        for item in sub.items:
            for lang in LANGUAGES:
                assert item.text.get(lang).strip(), (item.id, lang)
            assert item.source.file in SEED_FILES and item.source.section, item.id


def test_building_blocks_have_the_subdimensions_of_seed_003(questionnaire):
    found = {c.id: {s.id for s in c.subdimensions} for c in questionnaire.building_blocks}
    assert found == BUILDING_BLOCKS
    for block in questionnaire.building_blocks:
        assert len(block.reflection_questions) >= 3


def test_t_shape_has_two_bars_with_at_least_two_subdimensions(questionnaire):
    for construct_id in ("t_vertical", "t_horizontal"):
        assert len(questionnaire.construct(construct_id).subdimensions) >= 2


def test_every_item_sits_in_exactly_one_place(questionnaire):
    ids = [item.id for sub in questionnaire.subdimensions for item in sub.items]
    assert len(ids) == len(set(ids)) == len(questionnaire.items)
    texts = [item.text.nl.lower() for item in questionnaire.items]
    assert len(texts) == len(set(texts))


def test_reverse_items_exist_and_modules_are_optional(questionnaire):
    assert any(item.reverse for item in questionnaire.items)
    modules = [c for c in questionnaire.constructs if c.kind == "module"]
    assert modules and all(c.optional for c in modules)


def test_intensity_has_four_levels_and_default_partners(questionnaire):
    assert [lv.level for lv in questionnaire.intensity.levels] == [1, 2, 3, 4]
    partners = {p.id for p in questionnaire.intensity.partner_types}
    assert {"leerkracht", "pedagogisch_medewerker", "onderwijsassistent", "jeugdhulp", "ouders"} <= partners


@pytest.mark.skipif(not SEEDS.exists(), reason="the seed documents live in ../shared beside the repository")
def test_sources_name_existing_seed_files(questionnaire):
    for item in questionnaire.items:
        assert (SEEDS / item.source.file).exists(), item.id


# ---- broken files --------------------------------------------------------------------------------


@pytest.fixture
def raw() -> dict:
    return yaml.safe_load(QUESTIONNAIRE_FILE.read_text(encoding="utf-8"))


def parse(raw: dict) -> None:
    parse_questionnaire(yaml.safe_dump(raw, allow_unicode=True), file="broken.yaml")


def first_item(raw: dict) -> dict:
    return raw["constructs"][0]["subdimensions"][0]["items"][0]


def test_duplicate_item_id_is_named(raw):
    second = raw["constructs"][0]["subdimensions"][0]["items"][1]
    second["id"] = first_item(raw)["id"]
    with pytest.raises(QuestionnaireError, match=rf"broken\.yaml: item {second['id']}: duplicate id"):
        parse(raw)


def test_missing_translation_is_named(raw):
    item = first_item(raw)
    del item["text"]["en"]
    with pytest.raises(QuestionnaireError, match=rf"broken\.yaml: item {item['id']}: missing translation 'en'"):
        parse(raw)


def test_unknown_construct_kind_is_named(raw):
    raw["constructs"][2]["kind"] = "bouwsteen"
    with pytest.raises(QuestionnaireError, match=r"construct identiteit: unknown construct kind 'bouwsteen'"):
        parse(raw)


def test_missing_t_construct_is_named(raw):
    raw["constructs"] = [c for c in raw["constructs"] if c["id"] != "t_horizontal"]
    with pytest.raises(QuestionnaireError, match=r"unknown construct 't_horizontal'"):
        parse(raw)


def test_bad_scale_is_named(raw):
    raw["scale"]["max"] = 1
    with pytest.raises(QuestionnaireError, match=r"broken\.yaml: scale: bad scale"):
        parse(raw)


def test_missing_scale_label_is_named(raw):
    del raw["scale"]["labels"]["nl"][3]
    with pytest.raises(QuestionnaireError, match=r"bad scale: no 'nl' label for value 3"):
        parse(raw)


def test_too_few_items_is_named(raw):
    sub = raw["constructs"][0]["subdimensions"][0]
    sub["items"] = sub["items"][:2]
    with pytest.raises(QuestionnaireError, match=rf"subdimension {sub['id']}: has 2 items, at least 3"):
        parse(raw)


def test_unknown_source_file_is_named(raw):
    first_item(raw)["source"]["file"] = "elders.txt"
    with pytest.raises(QuestionnaireError, match=r"source file 'elders.txt' is not one of the seeds"):
        parse(raw)


def test_reverse_must_be_a_boolean(raw):
    first_item(raw)["reverse"] = "ja"
    with pytest.raises(QuestionnaireError, match=r"'reverse' must be true or false"):
        parse(raw)


def test_invalid_yaml_and_unreadable_file(tmp_path):
    with pytest.raises(QuestionnaireError, match=r"broken\.yaml: not valid YAML"):
        parse_questionnaire("constructs: [unclosed", file="broken.yaml")
    with pytest.raises(QuestionnaireError, match=r"cannot be read"):
        load_questionnaire(tmp_path / "missing.yaml")


def test_a_key_written_twice_is_refused(raw):
    text = yaml.safe_dump(raw, allow_unicode=True).replace("version:", "version: '1'\nversion:", 1)
    with pytest.raises(QuestionnaireError, match="defined twice: version"):
        parse_questionnaire(text, file="broken.yaml")


def test_locales_have_the_same_keys_in_both_languages_and_no_key_twice(tmp_path):
    from scan.locales import load_locales

    texts = load_locales()
    assert set(texts["nl"]) == set(texts["en"]) and texts["nl"]["nav.about"] == "Over de scan"
    (tmp_path / "nl.yaml").write_text("nav:\n  a: x\nnav:\n  b: y\n", encoding="utf-8")
    (tmp_path / "en.yaml").write_text("nav:\n  a: x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="defined twice: nav"):
        load_locales(tmp_path)
