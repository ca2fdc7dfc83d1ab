"""A user with a console password and two access keys (the second made
inactive), and one with neither. Prints their names and the keys' ids and
creation times."""
from common import client, emit

iam = client("iam")
iam.create_user(UserName="console-alice")
iam.create_login_profile(UserName="console-alice", Password="Correct-Horse-9")
k1 = iam.create_access_key(UserName="console-alice")["AccessKey"]
k2 = iam.create_access_key(UserName="console-alice")["AccessKey"]
iam.update_access_key(UserName="console-alice", AccessKeyId=k2["AccessKeyId"], Status="Inactive")
iam.create_user(UserName="robot-bob")
emit({"user": "console-alice", "bare": "robot-bob",
      "key1_created": k1["CreateDate"].strftime("%Y-%m-%dT%H:%M:%SZ")})
