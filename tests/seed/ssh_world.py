"""On an account seeded by account.py (argv[1]: its output), mallory opens
SSH to the world on the us-east-1 web group, or closes it again with
argv[3] == "close"; the CloudTrail record AWS would write goes into the
directory argv[2] (a file of its own per call, as a trail delivers them).
Prints the group."""
import json
import sys

from common import Trail, client, emit

made = json.loads(sys.argv[1])
outdir = sys.argv[2]
close = len(sys.argv) > 3 and sys.argv[3] == "close"
web = made["security_groups"]["us-east-1"]["web"]
perm = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
ec2 = client("ec2")
trail = Trail(made["account"])
req = {"groupId": web, "ipPermissions": {"items": [
    {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}}
if close:
    ec2.revoke_security_group_ingress(GroupId=web, IpPermissions=[perm])
    trail.record("RevokeSecurityGroupIngress", "ec2.amazonaws.com", req, {"_return": True})
else:
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[perm])
    trail.record("AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", req, {"_return": True})
trail.write(outdir + ("/close" if close else "/open"))
emit({"group": web, "resource": f"ec2.security_group/us-east-1/{web}"})
