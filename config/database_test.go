package config

import (
	"strings"
	"testing"
)

func TestDatabaseBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		field      string
		want       []string // all must appear in the problem's text
	}{
		{"end-of-life minor version", "database:\n  engine_version: \"13.7\"\n", "database.engine_version", []string{`"13.7"`, "major version only", "14, 15, 16, 17", "end of life"}},
		{"minor of a current major", "database:\n  engine_version: \"16.4\"\n", "database.engine_version", []string{`here "16"`}},
		{"unknown major", "database:\n  engine_version: \"11\"\n", "database.engine_version", []string{`"11"`, "current PostgreSQL major", "end of life"}},
		{"malformed version", "database:\n  engine_version: latest\n", "database.engine_version", []string{`"latest"`, "major version number"}},
		{"class without db prefix", "database:\n  instance_class: t3.medium\n", "database.instance_class", []string{"db.<family>.<size>"}},
		{"class without size", "database:\n  instance_class: db.t3\n", "database.instance_class", []string{`"db.t3"`, "db.<family>.<size>"}},
		{"class with a bad size", "database:\n  instance_class: db.m5.huge\n", "database.instance_class", []string{"db.<family>.<size>"}},
		{"max storage below allocated", "database:\n  allocated_storage: 100\n  max_allocated_storage: 50\n", "database.max_allocated_storage", []string{`"50"`, "at least 10% above", "100", "from 110"}},
		{"storage too small for gp3", "database:\n  allocated_storage: 10\n", "database.allocated_storage", []string{"gp3", "20"}},
		{"no backups with a replica", "database:\n  backup_retention_days: 0\n", "database.backup_retention_days", []string{`"0"`, "replica", "automated backups"}},
		{"retention too long", "database:\n  backup_retention_days: 40\n", "database.backup_retention_days", []string{"0 to 35"}},
		{"overlapping windows", "database:\n  backup_window: \"04:00-05:00\"\n  maintenance_window: sun:04:30-sun:05:30\n", "database.maintenance_window", []string{"does not overlap", "04:00-05:00"}},
		{"overlap across midnight", "database:\n  backup_window: \"23:30-00:30\"\n  maintenance_window: mon:00:00-mon:01:00\n", "database.maintenance_window", []string{"does not overlap"}},
		{"overlap across the week's end", "database:\n  backup_window: \"00:10-00:50\"\n  maintenance_window: sun:23:00-mon:01:00\n", "database.maintenance_window", []string{"does not overlap"}},
		{"malformed backup window", "database:\n  backup_window: 3am-4am\n", "database.backup_window", []string{"hh24:mi-hh24:mi"}},
		{"short backup window", "database:\n  backup_window: \"03:00-03:10\"\n", "database.backup_window", []string{"at least 30 minutes"}},
		{"malformed maintenance window", "database:\n  maintenance_window: sunday 04:30\n", "database.maintenance_window", []string{"ddd:hh24:mi-ddd:hh24:mi"}},
		{"monitoring interval", "database:\n  monitoring_interval: 7\n", "database.monitoring_interval", []string{"0 (off), 1, 5, 10, 15, 30, 60"}},
		{"performance insights retention", "database:\n  performance_insights_retention_days: 30\n", "database.performance_insights_retention_days", []string{"multiple of 31"}},
		{"unknown log export", "database:\n  log_exports: [postgresql, slowquery]\n", "database.log_exports[1]", []string{`"slowquery"`, "postgresql, upgrade"}},
		{"reserved user", "database:\n  username: rdsadmin\n", "database.username", []string{"rdsadmin"}},
		{"slow statements", "database:\n  slow_statement_ms: -5\n", "database.slow_statement_ms", []string{"-1 for the engine default"}},
		{"plain text in production", "tier: production\ndatabase:\n  force_ssl: false\n", "database.force_ssl", []string{"true in production"}},
		{"secondary writer without replica", "database:\n  writer: secondary\n  replica:\n    enabled: false\n", "database.writer", []string{"replica.enabled"}},
		{"unknown writer", "database:\n  writer: us-west-2\n", "database.writer", []string{`"us-west-2"`, "primary or secondary"}},
		{"unknown replica state", "database:\n  replica:\n    state: promoted\n", "database.replica.state", []string{`"promoted"`, "replicating", "detached"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ps := parseEnv(t, minimal+tc.yaml)
			var got []string
			for _, p := range ps {
				if p.Field == tc.field {
					got = append(got, p.String())
				}
			}
			if len(got) == 0 {
				t.Fatalf("no problem for %s; problems: %v", tc.field, ps)
			}
			text := strings.Join(got, "\n")
			for _, w := range append(tc.want, "acme-test.yaml") {
				if !strings.Contains(text, w) {
					t.Errorf("problem lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestDatabaseGoodInput(t *testing.T) {
	for _, tc := range []struct{ name, yaml string }{
		{"unquoted major version", "database:\n  engine_version: 16\n"},
		{"large class", "database:\n  instance_class: db.r6gd.16xlarge\n"},
		{"metal class", "database:\n  instance_class: db.m7i.metal-48xl\n"},
		{"windows across midnight, upper-case days", "database:\n  backup_window: \"22:00-23:00\"\n  maintenance_window: Sat:23:30-Sun:00:30\n"},
		{"no backups without a replica", "database:\n  backup_retention_days: 0\n  replica:\n    enabled: false\n"},
		{"storage ceiling 10 % above", "database:\n  allocated_storage: 100\n  max_allocated_storage: 110\n"},
		{"observability off", "database:\n  performance_insights_retention_days: 93\n  monitoring_interval: 0\n  log_exports: []\n"},
		{"after a failover", "database:\n  writer: secondary\n  replica:\n    state: detached\n    multi_az: true\n"},
		{"secondary writer", "database:\n  writer: secondary\n"},
		{"engine defaults outside production", "database:\n  force_ssl: false\n  slow_statement_ms: -1\n"},
	} {
		t.Run(tc.name, func(t *testing.T) { mustParse(t, minimal+tc.yaml) })
	}
}

func TestDatabaseUnknownKeyListsAllowed(t *testing.T) {
	_, ps := parseEnv(t, minimal+"database:\n  engine: mysql\n")
	if len(ps) != 1 || !strings.Contains(ps[0].Want, "engine_version") || !strings.Contains(ps[0].Want, "replica") {
		t.Errorf("problems %v, want one listing the database keys", ps)
	}
}

// Every combination of writer and replica state gives exactly one writer
// instance, and the other region's instance the configured role.
func TestDatabaseInstanceRoles(t *testing.T) {
	for _, tc := range []struct {
		name, yaml         string
		primary, secondary string
	}{
		{"default", "", InstanceWriter, InstanceReplica},
		{"no replica", "database:\n  replica:\n    enabled: false\n", InstanceWriter, InstanceNone},
		{"failed over", "database:\n  writer: secondary\n  replica:\n    state: detached\n", InstanceDetached, InstanceWriter},
		{"secondary writes, primary replicates", "database:\n  writer: secondary\n", InstanceReplica, InstanceWriter},
		{"replica detached", "database:\n  replica:\n    state: detached\n", InstanceWriter, InstanceDetached},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := mustParse(t, minimal+tc.yaml).Database
			if got := [2]string{d.InstanceRole(RolePrimary), d.InstanceRole(RoleSecondary)}; got != [2]string{tc.primary, tc.secondary} {
				t.Errorf("roles %v, want [%s %s]", got, tc.primary, tc.secondary)
			}
			if d.Replicating(RolePrimary) != (tc.primary == InstanceReplica) || d.Replicating(RoleSecondary) != (tc.secondary == InstanceReplica) {
				t.Error("Replicating disagrees with the roles")
			}
		})
	}
}

// The instances' ARNs come from config alone: account, region, identifier.
func TestDatabaseArnFromConfig(t *testing.T) {
	env := mustParse(t, minimal)
	for role, want := range map[string]string{
		RolePrimary:   "arn:aws:rds:us-east-1:111111111111:db:acme-test-use1-db",
		RoleSecondary: "arn:aws:rds:us-west-2:111111111111:db:acme-test-usw2-db",
	} {
		if got := env.DatabaseArn(role); got != want {
			t.Errorf("%s: %s, want %s", role, got, want)
		}
	}
}
