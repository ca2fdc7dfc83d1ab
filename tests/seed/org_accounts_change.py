"""One change in each member of the organization org_accounts.py made: a user
`intruder` created by that account's own `mallory`, with the CloudTrail
record the organization trail would deliver, under
`OUTDIR/AWSLogs/<org>/<account>/CloudTrail/us-east-1/...`. Then the last
member's OrganizationAccountAccessRole is deleted, so it cannot be reached.
argv: org_accounts.py's output, OUTDIR. Prints the accounts changed and the one
cut off."""
import datetime
import gzip
import json
import os
import sys
import uuid

from common import Trail, emit
from org_member_access import member_client

made = json.loads(sys.argv[1])
out = sys.argv[2]
now = datetime.datetime.now(datetime.timezone.utc)
changed = made["members"][:4]
for acct in made["members"]:
    member_client(acct, "iam").create_user(UserName="intruder")
    t = Trail(acct)
    t.record("CreateUser", "iam.amazonaws.com", {"userName": "intruder"},
             {"user": {"userName": "intruder", "arn": f"arn:aws:iam::{acct}:user/intruder"}})
    day = f"{now:%Y/%m/%d}"
    d = os.path.join(out, "AWSLogs", made["org"], acct, "CloudTrail", "us-east-1", day)
    os.makedirs(d, exist_ok=True)
    name = f"{acct}_CloudTrail_us-east-1_{now:%Y%m%dT%H%MZ}_{uuid.uuid4().hex[:16]}.json.gz"
    with open(os.path.join(d, name), "wb") as f:
        f.write(gzip.compress(json.dumps({"Records": t.records}).encode()))
cut = made["members"][4]
member_client(cut, "iam").delete_role(RoleName="OrganizationAccountAccessRole")
emit({"changed": changed, "cut": cut})
