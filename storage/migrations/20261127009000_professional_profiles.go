package migrations

import (
	"context"

	"github.com/uptrace/bun"
)

// Professional profiles: the structured profile of an account with one
// audience per field (public, followers, physicians, only_me); the
// verifications of credentials, kept as a history (who verified, when, who
// revoked); and the Mastodon profile extras that update_credentials edits
// (avatar, header, the owner's own fields). Remote accounts have rows too:
// the public profile and the verification their own instance states.
func init() {
	Migrations.MustRegister(func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db,
			`CREATE TABLE professional_profiles (
				account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
				profession TEXT NOT NULL DEFAULT '',
				profession_audience TEXT NOT NULL DEFAULT 'only_me',
				specialty TEXT NOT NULL DEFAULT '',
				specialty_audience TEXT NOT NULL DEFAULT 'public',
				subspecialties TEXT NOT NULL DEFAULT '',
				subspecialties_audience TEXT NOT NULL DEFAULT 'public',
				institution TEXT NOT NULL DEFAULT '',
				institution_audience TEXT NOT NULL DEFAULT 'public',
				department TEXT NOT NULL DEFAULT '',
				department_audience TEXT NOT NULL DEFAULT 'only_me',
				training_program TEXT NOT NULL DEFAULT '',
				training_program_audience TEXT NOT NULL DEFAULT 'only_me',
				training_stage TEXT NOT NULL DEFAULT '',
				training_year INTEGER NOT NULL DEFAULT 0,
				training_audience TEXT NOT NULL DEFAULT 'followers',
				graduation_year INTEGER NOT NULL DEFAULT 0,
				graduation_year_audience TEXT NOT NULL DEFAULT 'only_me',
				board_certifications TEXT NOT NULL DEFAULT '',
				board_certifications_audience TEXT NOT NULL DEFAULT 'only_me',
				languages TEXT NOT NULL DEFAULT '',
				languages_audience TEXT NOT NULL DEFAULT 'only_me',
				interests TEXT NOT NULL DEFAULT '',
				interests_audience TEXT NOT NULL DEFAULT 'only_me',
				accepting_consults BOOLEAN NOT NULL DEFAULT FALSE,
				accepting_mentees BOOLEAN NOT NULL DEFAULT FALSE,
				contact_audience TEXT NOT NULL DEFAULT 'only_me',
				updated_at TIMESTAMPTZ NOT NULL
			)`,
			`CREATE INDEX professional_profiles_specialty ON professional_profiles (specialty)`,
			`CREATE INDEX professional_profiles_institution ON professional_profiles (lower(institution))`,
			`CREATE TABLE credential_verifications (
				id BIGINT PRIMARY KEY,
				account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
				credential TEXT NOT NULL,
				issuer TEXT NOT NULL DEFAULT '',
				verified_by_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
				verified_via TEXT NOT NULL,
				verified_at TIMESTAMPTZ NOT NULL,
				revoked_at TIMESTAMPTZ,
				revoked_by_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
				revoked_via TEXT NOT NULL DEFAULT ''
			)`,
			`CREATE INDEX credential_verifications_account ON credential_verifications (account_id, id)`,
			// At most one verification in force per account.
			`CREATE UNIQUE INDEX credential_verifications_active ON credential_verifications (account_id) WHERE revoked_at IS NULL`,
			`CREATE TABLE account_profiles (
				account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
				avatar_media_id BIGINT REFERENCES media_attachments (id) ON DELETE SET NULL,
				header_media_id BIGINT REFERENCES media_attachments (id) ON DELETE SET NULL,
				fields TEXT NOT NULL DEFAULT '[]',
				updated_at TIMESTAMPTZ NOT NULL
			)`,
		)
	}, func(ctx context.Context, db *bun.DB) error {
		return execAll(ctx, db, `DROP TABLE account_profiles`, `DROP TABLE credential_verifications`, `DROP TABLE professional_profiles`)
	})
}
