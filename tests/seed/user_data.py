"""Launches an instance whose user data holds secrets (an access key pair,
a database URL with a password) and one with gzip-compressed user data
holding a private key, plus one with clean user data. Prints the instance
ids and the secret strings, which no output may contain. (Not named
`secrets.py`: that would shadow the standard library module boto3 imports.)"""
import gzip

from common import client, emit

ec2 = client("ec2")
KEY_ID, SECRET = "AKIAZZZZDRIFTWATCH42", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYDRIFTWATCH1"
DB_PASS = "Tr0ub4dor-and-3"
script = "\n".join([
    "#!/bin/bash",
    f"export AWS_ACCESS_KEY_ID={KEY_ID}",
    f"export AWS_SECRET_ACCESS_KEY={SECRET}",
    f"psql postgres://app:{DB_PASS}@db.internal:5432/app -c 'select 1'",
])
PEM_BODY = "MIIEpAIBAAKCAQEAdriftwatchNotARealKeyButShapedLikeOne0123456789"
pem = f"#cloud-config\nwrite_files:\n- content: |\n    -----BEGIN RSA PRIVATE KEY-----\n    {PEM_BODY}\n"


def run(user_data):
    return ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                             UserData=user_data)["Instances"][0]["InstanceId"]


emit({
    "leaky": run(script),
    "zipped": run(gzip.compress(pem.encode())),
    "clean": run("#!/bin/bash\nyum -y update\n"),
    "secrets": [KEY_ID, SECRET, DB_PASS, PEM_BODY],
})
