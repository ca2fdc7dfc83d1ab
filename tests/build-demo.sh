#!/usr/bin/env bash
# Rebuilds the bundled demo account in baselines/demo/ from a moto account:
#   tests/with-moto.sh tests/build-demo.sh
# Run it when the snapshot schema changes; `cargo test` fails while the
# bundled files no longer load.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${DRIFTWATCH_MOTO_ENDPOINT:?run me as: tests/with-moto.sh tests/build-demo.sh}"
py=${DRIFTWATCH_PYTHON:-python3}
cargo build --quiet
bin=${CARGO_TARGET_DIR:-target}/debug/driftwatch
out=baselines/demo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DEMO_WORK=$work

# A fixed account id, so the bundle is stable across rebuilds.
eval "$("$py" - "$DRIFTWATCH_MOTO_ENDPOINT" <<'PY'
import sys, boto3
c = boto3.client("sts", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="demo", aws_secret_access_key="demo")
r = c.assume_role(RoleArn="arn:aws:iam::210987654321:role/demo-builder", RoleSessionName="demo-builder")["Credentials"]
print(f"export AWS_ACCESS_KEY_ID={r['AccessKeyId']} AWS_SECRET_ACCESS_KEY={r['SecretAccessKey']} AWS_SESSION_TOKEN={r['SessionToken']}")
PY
)"
export AWS_ENDPOINT_URL=$DRIFTWATCH_MOTO_ENDPOINT AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
regions=(--region us-east-1 --region eu-west-1 --region ap-southeast-2)

rm -rf "$out/cloudtrail" "$out/baseline.json" "$out/current.json"
mkdir -p "$out"
(cd tests/seed && "$py" demo.py setup >/dev/null)
"$bin" baseline save --quiet "${regions[@]}" --out "$out/baseline.json"
(cd tests/seed && "$py" demo.py morning "$PWD/../../$out/cloudtrail" >/dev/null)
"$bin" snapshot --quiet "${regions[@]}" -o "$out/current.json"
(cd tests/seed && "$py" demo.py retime "$PWD/../../$out/baseline.json" "$PWD/../../$out/current.json" >/dev/null)
echo "demo rebuilt in $out" >&2
