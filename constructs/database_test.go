package constructs

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

const (
	testKey     = "arn:aws:kms:us-east-1:111111111111:key/data"
	testLogsKey = "arn:aws:kms:us-east-1:111111111111:key/logs"
	testSource  = "arn:aws:rds:us-east-1:111111111111:db:acme-prod-use1-db"
)

func testSettings(prod bool) InstanceSettings {
	return InstanceSettings{
		Name: "acme-prod-use1-db", SubnetGroupName: "acme-prod-db", InstanceClass: "db.t3.medium",
		MaxAllocatedStorage: 100, MultiAZ: prod,
		SubnetIDs:        []*string{jsii.String("subnet-a"), jsii.String("subnet-b")},
		SecurityGroupIDs: []*string{jsii.String("sg-db")},
		KeyArn:           jsii.String(testKey), EngineMajor: "17",
		BackupRetentionDays: 7, BackupWindow: "03:00-04:00", MaintenanceWindow: "sun:04:30-sun:05:30",
		DeletionProtection: prod, FinalSnapshot: prod, PreventDestroy: prod,
		PerformanceInsightsRetentionDays: 7, MonitoringInterval: 60,
		LogExports: []string{"postgresql", "upgrade"}, LogRetentionDays: 30, LogsKeyArn: jsii.String(testLogsKey),
		SlowStatementMs: 500, ForceSSL: true,
		Account: "111111111111", Region: "us-east-1",
	}
}

func testDatabase(t *testing.T, prod bool) tfJSON {
	return synthJSON(t, func(stack cdktf.TerraformStack) {
		NewDatabase(stack, "database", &DatabaseProps{
			InstanceSettings: testSettings(prod), AllocatedStorage: 20,
			DatabaseName: "app", Username: "app_admin", PasswordVersion: 3, ReplicaRegion: "us-west-2",
		})
	})
}

func testReplica(t *testing.T, promoted bool) tfJSON {
	source := jsii.String(testSource)
	if promoted {
		source = nil
	}
	return synthJSON(t, func(stack cdktf.TerraformStack) {
		NewReplica(stack, "replica", &ReplicaProps{InstanceSettings: testSettings(true), SourceArn: source})
	})
}

// roleMarker is the terraform_data that records what an instance is.
func roleMarker(t *testing.T, doc tfJSON) (address string, input any) {
	t.Helper()
	for name, r := range doc.resources("terraform_data") {
		if strings.Contains(name, "role") {
			return "terraform_data." + name, r["input"]
		}
	}
	t.Fatal("no role marker")
	return "", nil
}

// The writer is PostgreSQL on encrypted gp3 with the given key, private, TLS
// and IAM authentication, backed up, observed, with its logs encrypted.
func TestDatabaseEncryptedPrivateObserved(t *testing.T) {
	doc := testDatabase(t, true)
	db := doc.only(t, "aws_db_instance")
	for k, want := range map[string]any{
		"engine": "postgres", "engine_version": "17", "storage_type": "gp3", "storage_encrypted": true,
		"kms_key_id": testKey, "publicly_accessible": false, "iam_database_authentication_enabled": true,
		"auto_minor_version_upgrade": true, "copy_tags_to_snapshot": true, "backup_retention_period": 7.0,
		"allocated_storage": 20.0, "max_allocated_storage": 100.0, "multi_az": true,
		"performance_insights_enabled": true, "performance_insights_kms_key_id": testKey,
		"monitoring_interval": 60.0, "port": 5432.0,
	} {
		if db[k] != want {
			t.Errorf("%s = %v, want %v", k, db[k], want)
		}
	}
	if db["manage_master_user_password"] != nil {
		t.Error("the writer asks RDS to manage its password: RDS then refuses to create its read replica")
	}
	role := doc.only(t, "aws_iam_role")
	if trust := role["assume_role_policy"].(string); !strings.Contains(trust, "monitoring.rds.amazonaws.com") || !strings.Contains(trust, "aws:SourceAccount") {
		t.Errorf("monitoring role trust %s", trust)
	}
	if !strings.Contains(db["monitoring_role_arn"].(string), "aws_iam_role.") {
		t.Errorf("monitoring_role_arn %v", db["monitoring_role_arn"])
	}
	groups := doc.resources("aws_cloudwatch_log_group")
	if len(groups) != 2 {
		t.Fatalf("%d log groups, want one per export", len(groups))
	}
	for _, g := range groups {
		name := g["name"].(string)
		if !strings.HasPrefix(name, "/aws/rds/instance/acme-prod-use1-db/") || g["kms_key_id"] != testLogsKey || g["retention_in_days"] != 30.0 {
			t.Errorf("log group %v: want RDS's name for the instance, the logs key and 30 days", g)
		}
	}
	if deps := db["depends_on"].([]any); len(deps) != 2 {
		t.Errorf("instance depends on %v, want its log groups (so RDS does not make unencrypted ones)", deps)
	}
	sg := doc.only(t, "aws_db_subnet_group")
	if sg["name"] != "acme-prod-db" || len(sg["subnet_ids"].([]any)) != 2 {
		t.Errorf("subnet group %v", sg)
	}
}

// Production databases are protected three ways; development ones can go.
func TestDatabaseProtection(t *testing.T) {
	prod := testDatabase(t, true).only(t, "aws_db_instance")
	if prod["deletion_protection"] != true || prod["skip_final_snapshot"] != false || prod["final_snapshot_identifier"] != "acme-prod-use1-db-final" {
		t.Errorf("production: deletion_protection %v skip_final_snapshot %v final %v", prod["deletion_protection"], prod["skip_final_snapshot"], prod["final_snapshot_identifier"])
	}
	if lc, _ := prod["lifecycle"].(map[string]any); lc["prevent_destroy"] != true {
		t.Errorf("production lifecycle %v, want prevent_destroy", prod["lifecycle"])
	}
	dev := testDatabase(t, false).only(t, "aws_db_instance")
	if dev["deletion_protection"] != false || dev["skip_final_snapshot"] != true || dev["final_snapshot_identifier"] != nil || dev["lifecycle"] != nil {
		t.Errorf("development: %v %v %v %v", dev["deletion_protection"], dev["skip_final_snapshot"], dev["final_snapshot_identifier"], dev["lifecycle"])
	}
}

// The master password is generated at apply time and reaches RDS and the
// secret only through write-only arguments: no literal anywhere.
func TestDatabaseMasterPasswordWriteOnly(t *testing.T) {
	doc := testDatabase(t, false)
	db := doc.only(t, "aws_db_instance")
	if db["password"] != nil {
		t.Fatalf("password = %v: it would be stored in the state", db["password"])
	}
	locals := map[string]any{}
	for name, v := range doc["locals"].(map[string]any) {
		if strings.Contains(name, "master-password") {
			locals[name] = v
		}
	}
	if len(locals) != 1 {
		t.Fatalf("locals %v, want one master password", doc["locals"])
	}
	for name, v := range locals {
		if v != "${uuid()}" {
			t.Errorf("local %s = %v, want a value generated at apply time", name, v)
		}
		if db["password_wo"] != "${local."+name+"}" || db["password_wo_version"] != 3.0 {
			t.Errorf("password_wo %v version %v", db["password_wo"], db["password_wo_version"])
		}
		version := doc.only(t, "aws_secretsmanager_secret_version")
		if s := version["secret_string_wo"].(string); !strings.Contains(s, "local."+name) || !strings.Contains(s, `"username" = "app_admin"`) || version["secret_string_wo_version"] != 3.0 {
			t.Errorf("secret value %v", version)
		}
		if version["secret_string"] != nil {
			t.Error("secret_string would be stored in the state")
		}
		// A writer whose password is set again (after a rebuild as replica
		// and its promotion) writes the same value into the secret.
		lc, _ := version["lifecycle"].(map[string]any)
		if trig, _ := lc["replace_triggered_by"].([]any); len(trig) != 1 || !strings.HasPrefix(trig[0].(string), "aws_db_instance.") || !strings.HasSuffix(trig[0].(string), ".password_wo_version") {
			t.Errorf("secret value lifecycle %v, want it re-written with the instance's password", lc)
		}
	}
	if secret := doc.only(t, "aws_secretsmanager_secret"); secret["kms_key_id"] != testKey {
		t.Errorf("secret key %v, want the data key", secret["kms_key_id"])
	}
}

// The parameter group forces TLS and logs slow statements; a new major
// version can replace it while the old one is attached.
func TestDatabaseParameterGroup(t *testing.T) {
	pg := testDatabase(t, false).only(t, "aws_db_parameter_group")
	if pg["family"] != "postgres17" {
		t.Errorf("family %v", pg["family"])
	}
	params := map[string]string{}
	for _, p := range pg["parameter"].([]any) {
		p := p.(map[string]any)
		params[p["name"].(string)] = p["value"].(string)
	}
	if params["rds.force_ssl"] != "1" || params["log_min_duration_statement"] != "500" {
		t.Errorf("parameters %v", params)
	}
	if lc := pg["lifecycle"].(map[string]any); lc["create_before_destroy"] != true || pg["name_prefix"] == nil {
		t.Errorf("parameter group lifecycle %v name_prefix %v", lc, pg["name_prefix"])
	}
}

// The replica follows its source by ARN, with this region's key, backups on
// and no credentials of its own; RDS takes no final snapshot of a replica.
func TestReplica(t *testing.T) {
	doc := testReplica(t, false)
	db := doc.only(t, "aws_db_instance")
	for k, want := range map[string]any{
		"replicate_source_db": testSource, "kms_key_id": testKey, "storage_encrypted": true,
		"publicly_accessible": false, "backup_retention_period": 7.0, "skip_final_snapshot": true,
		"performance_insights_kms_key_id": testKey, "deletion_protection": true,
	} {
		if db[k] != want {
			t.Errorf("%s = %v, want %v", k, db[k], want)
		}
	}
	for _, k := range []string{"engine", "engine_version", "username", "password", "password_wo", "db_name", "allocated_storage", "manage_master_user_password"} {
		if db[k] != nil {
			t.Errorf("replica sets %s = %v: it comes from the source", k, db[k])
		}
	}
	if !strings.Contains(db["db_subnet_group_name"].(string), "aws_db_subnet_group.") || !strings.Contains(db["parameter_group_name"].(string), "aws_db_parameter_group.") {
		t.Errorf("replica subnet group %v parameter group %v, want its own", db["db_subnet_group_name"], db["parameter_group_name"])
	}
	if doc.resources("aws_secretsmanager_secret") != nil && len(doc.resources("aws_secretsmanager_secret")) > 0 {
		t.Error("replica made a secret: it shares the source's credentials")
	}
}

// A promoted replica is a standalone writer: no source, the source's master
// user kept (no RDS-managed secret to index at plan time), protected and
// with a final snapshot in production, and no replacement trigger (the
// promotion keeps the instance).
func TestReplicaPromoted(t *testing.T) {
	doc := testReplica(t, true)
	db := doc.only(t, "aws_db_instance")
	if db["replicate_source_db"] != nil {
		t.Errorf("promoted replica still replicates %v", db["replicate_source_db"])
	}
	if db["manage_master_user_password"] != nil || db["master_user_secret_kms_key_id"] != nil {
		t.Errorf("promoted: manage_master_user_password %v key %v, want the source's master user kept", db["manage_master_user_password"], db["master_user_secret_kms_key_id"])
	}
	if db["skip_final_snapshot"] != false || db["final_snapshot_identifier"] == nil {
		t.Errorf("promoted production writer skips its final snapshot")
	}
	lc, _ := db["lifecycle"].(map[string]any)
	if lc["prevent_destroy"] != true || lc["replace_triggered_by"] != nil {
		t.Errorf("promoted writer lifecycle %v, want prevent_destroy and no replacement trigger", lc)
	}
	if _, input := roleMarker(t, doc); input != "writer" {
		t.Errorf("role marker %v, want writer", input)
	}
}

// A replica is replaced when its marker changes (it was last applied as a
// writer), and carries no prevent_destroy: it holds no data of its own.
func TestReplicaRebuiltFromWriter(t *testing.T) {
	doc := testReplica(t, false)
	db := doc.only(t, "aws_db_instance")
	addr, input := roleMarker(t, doc)
	if input != "replica of "+testSource {
		t.Errorf("role marker input %v, want the source ARN", input)
	}
	lc, _ := db["lifecycle"].(map[string]any)
	if trig, _ := lc["replace_triggered_by"].([]any); len(trig) != 1 || trig[0] != addr {
		t.Errorf("replace_triggered_by %v, want [%s]", lc["replace_triggered_by"], addr)
	}
	if lc["prevent_destroy"] != nil {
		t.Errorf("replica lifecycle %v: prevent_destroy would refuse its rebuild", lc)
	}
}

// Failback rebuilds the primary's instance as a replica of the secondary's
// writer: same address, the source by ARN, no credentials of its own, and
// the master secret (with its replica) kept.
func TestDatabaseRebuiltAsReplica(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		NewDatabase(stack, "database", &DatabaseProps{
			InstanceSettings: testSettings(true), AllocatedStorage: 20,
			DatabaseName: "app", Username: "app_admin", PasswordVersion: 3, ReplicaRegion: "us-west-2",
			ReplicaOf: jsii.String("arn:aws:rds:us-west-2:111111111111:db:acme-prod-usw2-db"),
		})
	})
	db := doc.only(t, "aws_db_instance")
	if db["replicate_source_db"] != "arn:aws:rds:us-west-2:111111111111:db:acme-prod-usw2-db" {
		t.Errorf("replicate_source_db %v", db["replicate_source_db"])
	}
	for _, k := range []string{"engine", "username", "password_wo", "password_wo_version", "db_name", "allocated_storage"} {
		if db[k] != nil {
			t.Errorf("rebuilt replica sets %s = %v: it comes from the source", k, db[k])
		}
	}
	addr, _ := roleMarker(t, doc)
	lc, _ := db["lifecycle"].(map[string]any)
	if trig, _ := lc["replace_triggered_by"].([]any); len(trig) != 1 || trig[0] != addr || lc["prevent_destroy"] != nil {
		t.Errorf("rebuilt replica lifecycle %v, want replaced by %s, not prevent_destroy", lc, addr)
	}
	if lc, _ := doc.only(t, "aws_secretsmanager_secret_version")["lifecycle"].(map[string]any); lc["replace_triggered_by"] != nil {
		t.Errorf("the rebuilt replica's secret version would be re-written (with a password nothing has): %v", lc)
	}
	secret := doc.only(t, "aws_secretsmanager_secret")
	if reps, _ := secret["replica"].([]any); len(reps) != 1 || reps[0].(map[string]any)["region"] != "us-west-2" {
		t.Errorf("master secret replica %v, want one in us-west-2", secret["replica"])
	}
}

// The data key admits this account's principals only through RDS and
// Secrets Manager of its own region.
func TestKeyViaServices(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		NewKey(stack, "data-key", &KeyProps{Alias: "acme-prod-use1-data", Account: "111111111111", Region: "us-east-1", ViaServices: []string{"rds", "secretsmanager"}})
	})
	var policy PolicyDocument
	if err := json.Unmarshal([]byte(doc.only(t, "aws_kms_key")["policy"].(string)), &policy); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, s := range policy.Statement {
		if s.Sid != "AccountUseThroughServices" {
			continue
		}
		found = true
		cond := s.Condition["StringEquals"]
		via := cond["kms:ViaService"].([]any)
		if cond["kms:CallerAccount"] != "111111111111" || len(via) != 2 || via[0] != "rds.us-east-1.amazonaws.com" || via[1] != "secretsmanager.us-east-1.amazonaws.com" {
			t.Errorf("conditions %v", cond)
		}
		for _, a := range s.Action {
			if a == "kms:*" {
				t.Error("services get every KMS action")
			}
		}
	}
	if !found {
		t.Error("no statement for the services")
	}
}

// A replica follows its source's incarnation: a rebuilt source (new
// resource id) changes the marker, so the replica is rebuilt too.
func TestReplicaFollowsSourceIncarnation(t *testing.T) {
	doc := synthJSON(t, func(stack cdktf.TerraformStack) {
		NewReplica(stack, "replica", &ReplicaProps{InstanceSettings: testSettings(true),
			SourceArn: jsii.String(testSource), SourceIncarnation: jsii.String("db-ABC")})
	})
	if _, input := roleMarker(t, doc); input != "replica of "+testSource+" (db-ABC)" {
		t.Errorf("role marker %v, want the source's ARN and resource id", input)
	}
}
