"""Plants Lambda functions in us-east-1: one anyone may invoke, one a
foreign account may, one a known account (444455556666) may, one with a
URL without auth, one with an IAM-authenticated URL, and a clean one whose
environment holds a password. Prints what it made, the findings the Lambda
checks must give, and the secret, which no output may contain."""
import io
import json
import zipfile

from common import account_id, client, emit

E = "us-east-1"
SECRET = "Lambda-Env-Pa55word-42"
acct = account_id()
lam = client("lambda", E)
role = client("iam").create_role(RoleName="fn-role", AssumeRolePolicyDocument=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                            "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]["Arn"]
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("f.py", "def h(event, context):\n    return 1\n")


def fn(name, env=None):
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="f.h",
                        Code={"ZipFile": buf.getvalue()}, Environment={"Variables": env or {}})
    return name


def allow(name, principal):
    lam.add_permission(FunctionName=name, StatementId="s1", Action="lambda:InvokeFunction",
                       Principal=principal)


made = {"account": acct, "secret": SECRET}
for name, principal in [("public-fn", "*"), ("foreign-fn", "999988887777"), ("known-fn", "444455556666")]:
    allow(fn(name), principal)
    made[name] = name
for name, auth in [("open-url-fn", "NONE"), ("iam-url-fn", "AWS_IAM")]:
    lam.create_function_url_config(FunctionName=fn(name), AuthType=auth)
    made[name] = name
made["clean"] = fn("clean-fn", {"DB_HOST": "db.internal", "DB_PASSWORD": SECRET})
f = f"lambda.function/{E}/"
made["expect"] = [["LAMBDA001", f + "public-fn"], ["LAMBDA002", f + "foreign-fn"],
                  ["LAMBDA003", f + "open-url-fn"]]
emit(made)
