"""moto_server with the harness's patches.

Each patch restores one AWS API shape that moto lacks, is named after it,
and carries a probe: a scenario run through moto in-process that shows the
wrong shape without the patch and the AWS shape with it.

    python3 launcher.py serve -H 127.0.0.1 -p 4566   # patch, then moto_server
    python3 launcher.py check                        # per patch: still needed? still applies?

`check` prints one JSON object per line, {"patch", "needed", "applies"}, and
exits 1 when a patch is no longer needed (moto fixed it: drop the patch) or
no longer applies (moto changed under it: fix the patch).
"""

import json
import sys

PATCHES = []


def patch(name, restores):
    """Registers a patch: name, the AWS API shape it restores, and its probe."""

    def register(apply):
        PATCHES.append({"name": name, "restores": restores, "apply": apply, "probe": None})
        return apply

    return register


def probe(fn):
    """Registers the probe of the last patch: returns True when moto answers
    in the AWS shape."""
    PATCHES[-1]["probe"] = fn
    return fn


@patch(
    "rds-promote-read-replica-detaches",
    "PromoteReadReplica: the promoted instance has no ReadReplicaSourceDBInstanceIdentifier, "
    "and its former source no longer lists it in ReadReplicaDBInstanceIdentifiers",
)
def _promote_detaches():
    from moto.rds.models import RDSBackend

    original = RDSBackend.promote_read_replica

    def promote_read_replica(self, db_kwargs):
        database = self.describe_db_instances(db_kwargs["db_instance_identifier"])[0]
        source_id = database.source_db_instance_identifier if database.is_replica else None
        database = original(self, db_kwargs)
        if source_id:
            database.source_db_instance_identifier = None
            try:
                source = self.find_db_from_id(source_id)
            except Exception:  # the source is gone: nothing lists the replica
                source = None
            if source is not None:
                _unlist_replica(source, database)
        return database

    RDSBackend.promote_read_replica = promote_read_replica


def _unlist_replica(source, replica):
    """Removes replica from source's replicas, where moto lists a cross-region
    replica by ARN and a local one by identifier."""
    for ref in (replica.db_instance_arn, replica.db_instance_identifier):
        if ref in source.replicas:
            source.replicas.remove(ref)


def _replica_pair():
    """Inside mock_aws: RDS clients of us-east-1 and us-west-2, with a writer
    probe-src in the first and its cross-region read replica probe-replica in
    the second."""
    import boto3

    east = boto3.client("rds", region_name="us-east-1")
    west = boto3.client("rds", region_name="us-west-2")
    src = east.create_db_instance(
        DBInstanceIdentifier="probe-src", Engine="postgres", DBInstanceClass="db.t3.micro",
        MasterUsername="probe", MasterUserPassword="probe-password", AllocatedStorage=20,
        BackupRetentionPeriod=1,
    )["DBInstance"]
    west.create_db_instance_read_replica(
        DBInstanceIdentifier="probe-replica", SourceDBInstanceIdentifier=src["DBInstanceArn"],
        DBInstanceClass="db.t3.micro",
    )
    return east, west


@probe
def _promote_probe():
    from moto import mock_aws

    with mock_aws():
        east, west = _replica_pair()
        west.promote_read_replica(DBInstanceIdentifier="probe-replica")
        replica = west.describe_db_instances(DBInstanceIdentifier="probe-replica")["DBInstances"][0]
        source = east.describe_db_instances(DBInstanceIdentifier="probe-src")["DBInstances"][0]
        return "ReadReplicaSourceDBInstanceIdentifier" not in replica and not source.get("ReadReplicaDBInstanceIdentifiers")


@patch(
    "rds-delete-cross-region-replica",
    "DeleteDBInstance of a cross-region read replica: deleted, and its source no longer lists it "
    "in ReadReplicaDBInstanceIdentifiers (moto lists it by ARN, then removes it by identifier and fails)",
)
def _delete_cross_region_replica():
    from moto.rds.models import DBInstance

    DBInstance.remove_replica = _unlist_replica


@probe
def _delete_cross_region_replica_probe():
    from moto import mock_aws

    with mock_aws():
        east, west = _replica_pair()
        try:
            west.delete_db_instance(DBInstanceIdentifier="probe-replica", SkipFinalSnapshot=True)
        except Exception:
            return False
        source = east.describe_db_instances(DBInstanceIdentifier="probe-src")["DBInstances"][0]
        return not source.get("ReadReplicaDBInstanceIdentifiers")


@patch(
    "rds-unique-dbi-resource-id",
    "DbiResourceId: unique per DB instance, a read replica's its own (moto gives every instance "
    "the same constant, and a replica a copy of its source's)",
)
def _unique_dbi_resource_id():
    import random
    import string

    from moto.rds.models import DBInstance, RDSBackend

    def new_id():
        return "db-" + "".join(random.choices(string.ascii_uppercase + string.digits, k=26))

    original_init = DBInstance.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.dbi_resource_id = new_id()

    DBInstance.__init__ = __init__
    original_replica = RDSBackend.create_db_instance_read_replica

    def create_db_instance_read_replica(self, db_kwargs):
        replica = original_replica(self, db_kwargs)
        replica.dbi_resource_id = new_id()
        return replica

    RDSBackend.create_db_instance_read_replica = create_db_instance_read_replica


@probe
def _unique_dbi_resource_id_probe():
    import boto3
    from moto import mock_aws

    with mock_aws():
        east = boto3.client("rds", region_name="us-east-1")
        west = boto3.client("rds", region_name="us-west-2")
        ids = set()
        for name in ("probe-a", "probe-b"):
            db = east.create_db_instance(
                DBInstanceIdentifier=name, Engine="postgres", DBInstanceClass="db.t3.micro",
                MasterUsername="probe", MasterUserPassword="probe-password", AllocatedStorage=20,
                BackupRetentionPeriod=1,
            )["DBInstance"]
            ids.add(db["DbiResourceId"])
        replica = west.create_db_instance_read_replica(
            DBInstanceIdentifier="probe-replica", SourceDBInstanceIdentifier=db["DBInstanceArn"],
            DBInstanceClass="db.t3.micro",
        )["DBInstance"]
        ids.add(replica["DbiResourceId"])
        return len(ids) == 3


@patch(
    "codebuild-pipeline-project-without-location",
    "CreateProject with source and artifacts of type CODEPIPELINE and no location: created "
    "(the pipeline hands the build its input and takes its output; moto demands a location)",
)
def _codebuild_pipeline_without_location():
    from moto.codebuild import responses

    validate_source = responses._validate_required_params_source
    validate_artifacts = responses._validate_required_params_artifacts

    def source(source):
        if source.get("type") in ("CODEPIPELINE", "NO_SOURCE") and not source.get("location"):
            return
        validate_source(source)

    def artifacts(artifacts):
        if artifacts.get("type") == "CODEPIPELINE" and not artifacts.get("location"):
            return
        validate_artifacts(artifacts)

    responses._validate_required_params_source = source
    responses._validate_required_params_artifacts = artifacts


def _codebuild_project(client, name, **source):
    """Creates CodeBuild project name: a CODEPIPELINE project unless source
    names another source (then without artifacts)."""
    artifacts = {"type": "CODEPIPELINE"} if not source else {"type": "NO_ARTIFACTS"}
    return client.create_project(
        name=name, source=source or {"type": "CODEPIPELINE"}, artifacts=artifacts,
        environment={"type": "LINUX_CONTAINER", "image": "probe", "computeType": "BUILD_GENERAL1_SMALL"},
        serviceRole="arn:aws:iam::123456789012:role/probe",
    )["project"]


@probe
def _codebuild_pipeline_without_location_probe():
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("codebuild", region_name="us-east-1")
        try:
            _codebuild_project(client, "probe")
        except Exception:
            return False
        return len(client.batch_get_projects(names=["probe"])["projects"]) == 1


@patch(
    "codebuild-delete-project-by-arn",
    "DeleteProject named by its ARN (as the AWS provider deletes): the project is gone "
    "(moto looks the ARN up as a name and keeps the project)",
)
def _codebuild_delete_by_arn():
    from moto.codebuild.models import CodeBuildBackend

    original = CodeBuildBackend.delete_project

    def delete_project(self, project_name):
        for name, project in list(self.codebuild_projects.items()):
            if project.arn == project_name:
                project_name = name
        original(self, project_name)

    CodeBuildBackend.delete_project = delete_project


@probe
def _codebuild_delete_by_arn_probe():
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("codebuild", region_name="us-east-1")
        project = _codebuild_project(client, "probe", type="S3", location="probe-bucket/source.zip")
        client.delete_project(name=project["arn"])
        return client.list_projects()["projects"] == []


def apply_all():
    for p in PATCHES:
        p["apply"]()


def check():
    # Probe every patch unpatched first, then patch all and probe again.
    results = {p["name"]: {"patch": p["name"], "restores": p["restores"]} for p in PATCHES}
    for p in PATCHES:
        results[p["name"]]["needed"] = not p["probe"]()
    apply_all()
    ok = True
    for p in PATCHES:
        r = results[p["name"]]
        r["applies"] = bool(p["probe"]())
        ok = ok and r["needed"] and r["applies"]
        print(json.dumps(r), flush=True)
    return 0 if ok else 1


def serve(args):
    apply_all()
    from moto.server import main

    names = ",".join(p["name"] for p in PATCHES)
    print(f"multiregion moto launcher: patches {names}", file=sys.stderr, flush=True)
    main(args)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "check":
        sys.exit(check())
    if len(sys.argv) >= 2 and sys.argv[1] == "serve":
        serve(sys.argv[2:])
        sys.exit(0)
    print("usage: launcher.py serve [moto_server args] | check", file=sys.stderr)
    sys.exit(2)
