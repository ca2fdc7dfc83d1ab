"""Makes a bucket of account.py (argv[1]: its name) readable by anyone,
through its bucket policy: data made public. Nothing else changes (moto
does not enforce Block Public Access, so the bucket's stays)."""
import json
import sys

from common import client, emit

bucket = sys.argv[1]
s3 = client("s3")
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "leak", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
emit({"opened": bucket})
