"""The database schema as an ordered list of migrations; ``migrate`` applies the missing ones.

Foreign keys guard the small tables. The large child tables of a response (answers, scores, intensity,
ties) have none: measured on DuckDB 2.0, a foreign key makes a bulk insert about ten times slower, and
these rows are only ever written by ``store.submit`` / ``store.bulk`` together with their response,
inside one transaction. CHECK constraints guard every value that a person can hand in.
"""

from __future__ import annotations

import duckdb

# The roles an organisation's administrator hands out; platform_admin is the platform's own (organisations,
# the whole-database backup) and is given only by the command line.
ORGANISATION_ROLES = ("professional", "team_lead", "director", "admin")
ROLES = (*ORGANISATION_ROLES, "platform_admin")

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
        CREATE SEQUENCE organisations_id START 1;
        CREATE SEQUENCE locations_id START 1;
        CREATE SEQUENCE teams_id START 1;
        CREATE SEQUENCE users_id START 1;
        CREATE SEQUENCE rounds_id START 1;
        CREATE SEQUENCE responses_id START 1;
        CREATE SEQUENCE audit_id START 1;

        CREATE TABLE organisations (
            id BIGINT PRIMARY KEY DEFAULT nextval('organisations_id'),
            name VARCHAR NOT NULL UNIQUE
        );
        CREATE TABLE locations (
            id BIGINT PRIMARY KEY DEFAULT nextval('locations_id'),
            organisation_id BIGINT NOT NULL REFERENCES organisations (id),
            name VARCHAR NOT NULL
        );
        CREATE TABLE teams (
            id BIGINT PRIMARY KEY DEFAULT nextval('teams_id'),
            location_id BIGINT NOT NULL REFERENCES locations (id),
            name VARCHAR NOT NULL
        );
        CREATE TABLE users (
            id BIGINT PRIMARY KEY DEFAULT nextval('users_id'),
            organisation_id BIGINT NOT NULL REFERENCES organisations (id),
            -- A research pseudonym: exports carry this, never the name or e-mail address.
            pseudonym VARCHAR NOT NULL UNIQUE,
            display_name VARCHAR NOT NULL,
            -- NULL for accounts outside a team roster (directors, administrators).
            discipline VARCHAR,
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        );
        -- Logins live apart from users: a roster member may have none, and DuckDB turns an update of a
        -- uniquely indexed column (username) into delete + insert, which a referenced users row refuses.
        CREATE TABLE accounts (
            user_id BIGINT PRIMARY KEY REFERENCES users (id),
            username VARCHAR NOT NULL UNIQUE,
            email VARCHAR,
            password_hash VARCHAR NOT NULL,
            failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
            locked_until TIMESTAMP
        );
        CREATE TABLE user_roles (
            user_id BIGINT NOT NULL REFERENCES users (id),
            role VARCHAR NOT NULL CHECK (role IN ('professional', 'team_lead', 'director', 'admin')),
            PRIMARY KEY (user_id, role)
        );
        CREATE TABLE memberships (
            user_id BIGINT NOT NULL REFERENCES users (id),
            team_id BIGINT NOT NULL REFERENCES teams (id),
            PRIMARY KEY (user_id, team_id)
        );
        CREATE TABLE rounds (
            id BIGINT PRIMARY KEY DEFAULT nextval('rounds_id'),
            organisation_id BIGINT NOT NULL REFERENCES organisations (id),
            name VARCHAR NOT NULL,
            wave INTEGER NOT NULL CHECK (wave >= 1),
            status VARCHAR NOT NULL CHECK (status IN ('open', 'closed')),
            opened_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            closed_at TIMESTAMP,
            UNIQUE (organisation_id, wave)
        );
        CREATE TABLE questionnaire_versions (
            version VARCHAR PRIMARY KEY,
            content_hash VARCHAR NOT NULL,
            registered_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        );
        CREATE TABLE items (
            version VARCHAR NOT NULL REFERENCES questionnaire_versions (version),
            item_id VARCHAR NOT NULL,
            construct VARCHAR NOT NULL,
            dimension VARCHAR NOT NULL,
            reverse BOOLEAN NOT NULL,
            PRIMARY KEY (version, item_id)
        );
        CREATE TABLE responses (
            id BIGINT PRIMARY KEY DEFAULT nextval('responses_id'),
            -- Chosen by the client when a scan starts: the same submission sent twice is stored once.
            submission_key VARCHAR NOT NULL UNIQUE,
            user_id BIGINT NOT NULL REFERENCES users (id),
            team_id BIGINT NOT NULL REFERENCES teams (id),
            round_id BIGINT NOT NULL REFERENCES rounds (id),
            questionnaire_version VARCHAR NOT NULL REFERENCES questionnaire_versions (version),
            submitted_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            UNIQUE (user_id, round_id)
        );
        CREATE TABLE answers (
            response_id BIGINT NOT NULL,
            item_id VARCHAR NOT NULL,
            value TINYINT NOT NULL CHECK (value BETWEEN 1 AND 5)
        );
        -- Sub-dimensions and constructs by a small number for the aggregates: grouping millions of rows on
        -- it is several times faster than on text (measured 45 ms against 160 ms for 6.8 million rows).
        -- A person's own scores keep the name: their radar reads them without a join.
        CREATE TABLE dimensions (
            id SMALLINT PRIMARY KEY,
            name VARCHAR NOT NULL UNIQUE
        );
        CREATE TABLE scores (
            response_id BIGINT NOT NULL,
            dimension VARCHAR NOT NULL,
            score DOUBLE NOT NULL CHECK (score BETWEEN 1 AND 5)
        );
        CREATE TABLE intensity_answers (
            response_id BIGINT NOT NULL,
            partner_type VARCHAR NOT NULL,
            current_level TINYINT CHECK (current_level BETWEEN 1 AND 4),
            desired_level TINYINT CHECK (desired_level BETWEEN 1 AND 4)
        );
        CREATE TABLE network_ties (
            response_id BIGINT NOT NULL,
            target_user_id BIGINT NOT NULL,
            -- How often we work together: 0 never .. 4 (almost) daily.
            frequency TINYINT NOT NULL CHECK (frequency BETWEEN 0 AND 4),
            support BOOLEAN NOT NULL
        );
        -- Kept current at submit time so that dashboards never regroup answer rows. A submission appends
        -- one row per dimension (an upsert on a keyed table cost 8 ms, an append 2 ms); readers sum the
        -- rows of a group, and rebuild_team_aggregates folds them together again.
        -- Organisation and location are copied in so that director views group without joins.
        CREATE TABLE team_aggregates (
            team_id BIGINT NOT NULL,
            round_id BIGINT NOT NULL,
            dimension_id SMALLINT NOT NULL,
            organisation_id BIGINT NOT NULL,
            location_id BIGINT NOT NULL,
            n BIGINT NOT NULL CHECK (n >= 0),
            total DOUBLE NOT NULL,
            total_sq DOUBLE NOT NULL,
            min_score DOUBLE NOT NULL,
            max_score DOUBLE NOT NULL
        );
        CREATE TABLE drafts (
            user_id BIGINT NOT NULL REFERENCES users (id),
            round_id BIGINT NOT NULL REFERENCES rounds (id),
            payload VARCHAR NOT NULL,
            updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            PRIMARY KEY (user_id, round_id)
        );
        CREATE TABLE invites (
            code VARCHAR PRIMARY KEY,
            team_id BIGINT NOT NULL REFERENCES teams (id),
            created_by BIGINT,
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            expires_at TIMESTAMP,
            revoked_at TIMESTAMP,
            max_uses INTEGER NOT NULL DEFAULT 50 CHECK (max_uses >= 1),
            uses INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0)
        );
        CREATE TABLE audit_log (
            id BIGINT PRIMARY KEY DEFAULT nextval('audit_id'),
            occurred_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            actor_user_id BIGINT,
            action VARCHAR NOT NULL,
            detail VARCHAR
        );
        """,
    ),
    (
        2,
        """
        -- The consent screen before a first scan: who agreed to which wording, when.
        CREATE TABLE consents (
            user_id BIGINT NOT NULL REFERENCES users (id),
            text_version VARCHAR NOT NULL,
            consented_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            PRIMARY KEY (user_id, text_version)
        );
        """,
    ),
    (
        3,
        """
        -- The team dialogue: what a team agreed to do after a round, and how far it got.
        CREATE SEQUENCE team_actions_id START 1;
        CREATE TABLE team_actions (
            id BIGINT PRIMARY KEY DEFAULT nextval('team_actions_id'),
            team_id BIGINT NOT NULL REFERENCES teams (id),
            round_id BIGINT NOT NULL REFERENCES rounds (id),
            what VARCHAR NOT NULL CHECK (length(what) BETWEEN 1 AND 500),
            who VARCHAR CHECK (length(who) <= 120),
            due DATE,
            status VARCHAR NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'busy', 'done', 'dropped')),
            created_by BIGINT,
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        );
        -- Which external partner types a respondent works with (the network scan step).
        CREATE TABLE external_contacts (
            response_id BIGINT NOT NULL,
            partner_type VARCHAR NOT NULL
        );
        """,
    ),
    (
        4,
        """
        -- How long answers are kept after their round closed, per organisation (the privacy statement cites it).
        CREATE TABLE organisation_settings (
            organisation_id BIGINT PRIMARY KEY REFERENCES organisations (id),
            retention_months INTEGER NOT NULL CHECK (retention_months BETWEEN 6 AND 120)
        );
        """,
    ),
    (
        5,
        """
        -- Sign-in bookkeeping is appended, never updated: concurrent sign-ins cannot conflict and every
        -- attempt counts. Times are Unix seconds, like the expiry in the login cookie.
        CREATE TABLE login_attempts (
            username VARCHAR NOT NULL,
            client VARCHAR NOT NULL,
            address VARCHAR NOT NULL,
            attempted_at DOUBLE NOT NULL,
            success BOOLEAN NOT NULL
        );
        -- What ends a user's sessions (sign-out, new password, block, new roles) or lets them in again.
        -- A session or cookie that began before the latest event of its user is no longer accepted.
        CREATE TABLE account_events (
            user_id BIGINT NOT NULL,
            event VARCHAR NOT NULL CHECK (event IN ('sessions_end', 'block', 'unblock')),
            occurred_at DOUBLE NOT NULL
        );
        -- Facts about the database file itself; 'demo' marks a file made by `scan demo`.
        CREATE TABLE database_marks (
            mark VARCHAR PRIMARY KEY,
            set_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        );
        -- The old lock-out columns stay (a column drop would rebuild the table) but are no longer read.
        """,
    ),
    (
        6,
        """
        -- Organisations apart: an administrator reads the audit entries of their own organisation only.
        -- NULL: an entry of the platform (or one whose organisation could not be told).
        ALTER TABLE audit_log ADD COLUMN organisation_id BIGINT;
        -- Earlier entries belong to the organisation of who made them; those of the command line and of people
        -- deleted since have no actor to tell it, and stay with the platform.
        UPDATE audit_log
        SET organisation_id = (SELECT u.organisation_id FROM users u WHERE u.id = audit_log.actor_user_id);
        -- A platform administrator creates organisations and makes whole-database backups. DuckDB cannot change
        -- a CHECK constraint, so user_roles is made again with the new role (no table refers to it).
        CREATE TEMPORARY TABLE user_roles_before AS SELECT * FROM user_roles;
        DROP TABLE user_roles;
        CREATE TABLE user_roles (
            user_id BIGINT NOT NULL REFERENCES users (id),
            role VARCHAR NOT NULL CHECK (role IN ('professional', 'team_lead', 'director', 'admin', 'platform_admin')),
            PRIMARY KEY (user_id, role)
        );
        INSERT INTO user_roles SELECT user_id, role FROM user_roles_before;
        DROP TABLE user_roles_before;
        """,
    ),
    (
        7,
        """
        -- The network step's agreement: the team may see this respondent's name in the network picture of the
        -- round. Names show only when every respondent of the team in that round agreed; until then, no one did.
        ALTER TABLE responses ADD COLUMN network_names_agreed BOOLEAN NOT NULL DEFAULT false;
        """,
    ),
    (
        8,
        """
        -- Disclosure rule d: the responses each group's figures are computed from, per team, round and audience
        -- ('team': the team's own views, 'board': every cross-team view). Written by store.released only; see
        -- there. The primary key also makes two releases of one group at the same moment conflict at COMMIT.
        CREATE TABLE released_responses (
            team_id BIGINT NOT NULL,
            round_id BIGINT NOT NULL,
            audience VARCHAR NOT NULL CHECK (audience IN ('team', 'board')),
            response_id BIGINT NOT NULL,
            PRIMARY KEY (team_id, round_id, audience, response_id)
        );
        -- What people could see until now stays visible: every stored response counts as released.
        INSERT INTO released_responses
        SELECT p.team_id, p.round_id, a.audience, p.id
        FROM responses p CROSS JOIN (VALUES ('team'), ('board')) a (audience)
        ORDER BY p.team_id, p.round_id, a.audience, p.id;
        -- Every set a group has been released as (ids only: no scores), numbered per group: a new set must differ
        -- from each of them by 0 or at least k responses, not only from the last one.
        CREATE TABLE release_history (
            team_id BIGINT NOT NULL,
            round_id BIGINT NOT NULL,
            audience VARCHAR NOT NULL CHECK (audience IN ('team', 'board')),
            release_no INTEGER NOT NULL CHECK (release_no >= 1),
            response_id BIGINT NOT NULL,
            PRIMARY KEY (team_id, round_id, audience, release_no, response_id)
        );
        INSERT INTO release_history SELECT team_id, round_id, audience, 1, response_id FROM released_responses;
        -- The aggregate now sums a released set: one row per audience, team, round and dimension, rewritten when
        -- the set is released, absent while it is withheld (it holds a deleted response).
        DROP TABLE team_aggregates;
        CREATE TABLE team_aggregates (
            audience VARCHAR NOT NULL CHECK (audience IN ('team', 'board')),
            team_id BIGINT NOT NULL,
            round_id BIGINT NOT NULL,
            dimension_id SMALLINT NOT NULL,
            organisation_id BIGINT NOT NULL,
            location_id BIGINT NOT NULL,
            n BIGINT NOT NULL CHECK (n >= 0),
            total DOUBLE NOT NULL,
            total_sq DOUBLE NOT NULL,
            min_score DOUBLE NOT NULL,
            max_score DOUBLE NOT NULL
        );
        INSERT INTO team_aggregates
        SELECT x.audience, x.team_id, x.round_id, d.id, l.organisation_id, t.location_id,
               count(*), sum(s.score), sum(s.score * s.score), min(s.score), max(s.score)
        FROM released_responses x JOIN scores s ON s.response_id = x.response_id
        JOIN dimensions d ON d.name = s.dimension JOIN teams t ON t.id = x.team_id
        JOIN locations l ON l.id = t.location_id
        GROUP BY ALL ORDER BY x.team_id, x.round_id, x.audience, d.id;
        """,
    ),
)


SCHEMA_VERSION = MIGRATIONS[-1][0]


def current_version(conn: duckdb.DuckDBPyConnection) -> int:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return row[0] or 0


def migrate(conn: duckdb.DuckDBPyConnection) -> int:
    """Bring the schema up to date, one transaction per migration. Returns the schema version."""
    version = current_version(conn)
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"the database has schema version {version}, newer than this program ({SCHEMA_VERSION})")
    for number, sql in MIGRATIONS:
        if number <= version:
            continue
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(sql)
            conn.execute("INSERT INTO schema_version VALUES (?)", [number])
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
    return current_version(conn)
