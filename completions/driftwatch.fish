# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_driftwatch_global_optspecs
    string join \n q/quiet v/verbose color= h/help V/version
end

function __fish_driftwatch_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_driftwatch_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_driftwatch_using_subcommand
    set -l cmd (__fish_driftwatch_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c driftwatch -n "__fish_driftwatch_needs_command" -l color -d 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c driftwatch -n "__fish_driftwatch_needs_command" -s q -l quiet -d 'No progress bars or summaries on stderr (for cron); errors still print'
complete -c driftwatch -n "__fish_driftwatch_needs_command" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c driftwatch -n "__fish_driftwatch_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftwatch -n "__fish_driftwatch_needs_command" -s V -l version -d 'Print version'
complete -c driftwatch -n "__fish_driftwatch_needs_command" -f -a "snapshot" -d 'Read the account and write a JSON snapshot of its state'
complete -c driftwatch -n "__fish_driftwatch_needs_command" -f -a "scan" -d 'Compare the account with its baseline and report unauthorized change'
complete -c driftwatch -n "__fish_driftwatch_needs_command" -f -a "check" -d 'Run the posture checks alone on the account or a snapshot file'
complete -c driftwatch -n "__fish_driftwatch_needs_command" -f -a "checks" -d 'List and explain the posture checks'
complete -c driftwatch -n "__fish_driftwatch_needs_command" -f -a "diff" -d 'Compare two snapshot or baseline files (no AWS access needed)'
complete -c driftwatch -n "__fish_driftwatch_needs_command" -f -a "baseline" -d 'Save, approve and inspect baselines'
complete -c driftwatch -n "__fish_driftwatch_needs_command" -f -a "merge" -d 'Combine JSON reports of several runs (shards of an organization) into one'
complete -c driftwatch -n "__fish_driftwatch_needs_command" -f -a "demo" -d 'Run the whole pipeline on a bundled demo account (no AWS needed)'
complete -c driftwatch -n "__fish_driftwatch_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c driftwatch -n "__fish_driftwatch_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand snapshot" -l profile -d 'Named profile from the AWS config files' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand snapshot" -l region -d 'Regions to scan for regional services (repeatable or comma-separated); default: the baseline\'s regions, else every enabled region' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand snapshot" -l endpoint-url -d 'Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand snapshot" -l concurrency -d 'Maximum API requests in flight' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand snapshot" -l timeout -d 'Seconds one API operation may take, retries included: an endpoint that accepts connections and never answers ends the run, not hangs it' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand snapshot" -l attempt-timeout -d 'Seconds one HTTP attempt may take' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand snapshot" -l max-attempts -d 'Attempts per API call (the SDK\'s adaptive retry mode: backoff, and a client-side rate that slows down when AWS throttles)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand snapshot" -l rate-limit -d 'Client-side request rate for one service, in every region it is read in: `ec2=20` (per second; a burst of twice that) or `ec2=20/100`; repeatable; `off` lifts every limit. The defaults stay well below AWS\'s published quotas (README, "Performance")' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand snapshot" -s o -l output -d 'Write the snapshot here (atomically) instead of stdout' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand snapshot" -l color -d 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand snapshot" -s q -l quiet -d 'No progress bars or summaries on stderr (for cron); errors still print'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand snapshot" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand snapshot" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l snapshot -d 'Use this snapshot file as the current state instead of reading the account' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l baseline -d 'Baseline to compare with (default: baselines/<account-id>.json; with --accounts, each account\'s)' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l cloudtrail -d 'Where CloudTrail events come from: `api` (LookupEvents), `trail` (the account\'s trail in S3), `s3://bucket/prefix`, a local file or directory, `athena://WORKGROUP/DATABASE.TABLE[?output=s3://bucket/prefix]` (an organization trail\'s table), or `none`. Default: `api` when reading the account, `none` with --snapshot' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l profile -d 'Named profile from the AWS config files' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l region -d 'Regions to scan for regional services (repeatable or comma-separated); default: the baseline\'s regions, else every enabled region' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l endpoint-url -d 'Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l concurrency -d 'Maximum API requests in flight' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l timeout -d 'Seconds one API operation may take, retries included: an endpoint that accepts connections and never answers ends the run, not hangs it' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l attempt-timeout -d 'Seconds one HTTP attempt may take' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l max-attempts -d 'Attempts per API call (the SDK\'s adaptive retry mode: backoff, and a client-side rate that slows down when AWS throttles)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l rate-limit -d 'Client-side request rate for one service, in every region it is read in: `ec2=20` (per second; a burst of twice that) or `ec2=20/100`; repeatable; `off` lifts every limit. The defaults stay well below AWS\'s published quotas (README, "Performance")' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l accounts -d 'Accounts to read: 12-digit ids (comma-separated), or `org` for every active account of the organization (Organizations ListAccounts, from the management or a delegated administrator account)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l ou -d 'With `--accounts org`: only the accounts under this organizational unit, nested ones included (repeatable)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l role-name -d 'The role to assume in each account (the account the credentials are for is read with them directly)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l external-id -d 'External id the role\'s trust policy asks for' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l parallel-accounts -d 'Accounts read at once; each has its own --concurrency and rate limits, as each has its own API quotas' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l checks -d 'More check files (*.toml, and Sigma rules *.yml) from this directory (repeatable)' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l fail-on -d 'Unsuppressed findings at or above this severity make the exit code 1; `none` reports findings without failing (unauthorized changes still do)' -r -f -a "none\t''
info\t''
low\t''
medium\t''
high\t''
critical\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l notify -d 'Post alerts here (repeatable): a Slack incoming webhook gets a Slack message, any other https URL the JSON report; `slack:URL` forces Slack. Also `[notify] urls` in the config. URLs are never printed' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l notify-on -d 'What warrants an alert: unauthorized or transient changes, failing findings, or both' -r -f -a "changes\t''
findings\t''
both\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l notify-timeout -d 'Seconds to wait for each delivery attempt (3 attempts, with backoff)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l notify-state -d 'Remember what was sent here (default: beside the baseline, `baselines/ACCOUNT.alerts.json`); an item is sent again when it changes or after --realert hours' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l realert -d 'Hours before an item already sent is sent again (default 24)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l format -d 'Report format; default: table on a terminal, JSON otherwise' -r -f -a "table\t''
json\t''
markdown\t''
junit\t''
sarif\t'SARIF 2.1.0, for code-scanning upload'"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -s o -l output -d 'Write the report here (atomically) instead of stdout' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l width -d 'Columns the table fills (default: the terminal\'s width, or 100 when stdout is a pipe or file; at least 60)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l config -d 'Configuration file (default: ./driftwatch.toml when present)' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l color -d 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l show-approved -d 'List approved changes too (by default they are counted, not listed: the report shows what is not yet reviewed)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l all-transients -d 'List every transient change and every write outside the snapshot in full (by default, more than five alike ones, same kind or call, principal and verdict, are one entry with a count, the time span and samples)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l fail-on-known -d 'Known findings (accepted with the baseline, exactly as they were) fail the run too; by default only new and updated ones do'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l no-checks -d 'Do not run posture checks'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l sigma-skip-unsupported -d 'Skip Sigma rules driftwatch cannot evaluate, with warning W007, instead of refusing them'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -l notify-all -d 'Send every run\'s alert in full, remembering nothing'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -s q -l quiet -d 'No progress bars or summaries on stderr (for cron); errors still print'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand scan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l profile -d 'Named profile from the AWS config files' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l region -d 'Regions to scan for regional services (repeatable or comma-separated); default: the baseline\'s regions, else every enabled region' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l endpoint-url -d 'Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l concurrency -d 'Maximum API requests in flight' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l timeout -d 'Seconds one API operation may take, retries included: an endpoint that accepts connections and never answers ends the run, not hangs it' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l attempt-timeout -d 'Seconds one HTTP attempt may take' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l max-attempts -d 'Attempts per API call (the SDK\'s adaptive retry mode: backoff, and a client-side rate that slows down when AWS throttles)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l rate-limit -d 'Client-side request rate for one service, in every region it is read in: `ec2=20` (per second; a burst of twice that) or `ec2=20/100`; repeatable; `off` lifts every limit. The defaults stay well below AWS\'s published quotas (README, "Performance")' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l snapshot -d 'Check this snapshot file instead of reading the account' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l checks -d 'More check files (*.toml, and Sigma rules *.yml) from this directory (repeatable)' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l fail-on -d 'Unsuppressed findings at or above this severity make the exit code 1; `none` reports findings without failing (unauthorized changes still do)' -r -f -a "none\t''
info\t''
low\t''
medium\t''
high\t''
critical\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l notify -d 'Post alerts here (repeatable): a Slack incoming webhook gets a Slack message, any other https URL the JSON report; `slack:URL` forces Slack. Also `[notify] urls` in the config. URLs are never printed' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l notify-on -d 'What warrants an alert: unauthorized or transient changes, failing findings, or both' -r -f -a "changes\t''
findings\t''
both\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l notify-timeout -d 'Seconds to wait for each delivery attempt (3 attempts, with backoff)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l notify-state -d 'Remember what was sent here (default: beside the baseline, `baselines/ACCOUNT.alerts.json`); an item is sent again when it changes or after --realert hours' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l realert -d 'Hours before an item already sent is sent again (default 24)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l format -d 'Report format; default: table on a terminal, JSON otherwise' -r -f -a "table\t''
json\t''
markdown\t''
junit\t''
sarif\t'SARIF 2.1.0, for code-scanning upload'"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -s o -l output -d 'Write the report here (atomically) instead of stdout' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l width -d 'Columns the table fills (default: the terminal\'s width, or 100 when stdout is a pipe or file; at least 60)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l config -d 'Configuration file (default: ./driftwatch.toml when present)' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l color -d 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l fail-on-known -d 'Known findings (accepted with the baseline, exactly as they were) fail the run too; by default only new and updated ones do'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l no-checks -d 'Do not run posture checks'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l sigma-skip-unsupported -d 'Skip Sigma rules driftwatch cannot evaluate, with warning W007, instead of refusing them'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -l notify-all -d 'Send every run\'s alert in full, remembering nothing'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -s q -l quiet -d 'No progress bars or summaries on stderr (for cron); errors still print'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and not __fish_seen_subcommand_from list explain help" -l color -d 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and not __fish_seen_subcommand_from list explain help" -s q -l quiet -d 'No progress bars or summaries on stderr (for cron); errors still print'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and not __fish_seen_subcommand_from list explain help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and not __fish_seen_subcommand_from list explain help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and not __fish_seen_subcommand_from list explain help" -f -a "list" -d 'List every check with its id, severity and risk'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and not __fish_seen_subcommand_from list explain help" -f -a "explain" -d 'Print a check\'s rationale, remediation, references and expression'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and not __fish_seen_subcommand_from list explain help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from list" -l checks -d 'More check files from this directory (repeatable)' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from list" -l config -d 'Configuration file (default: ./driftwatch.toml when present)' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from list" -l format -d 'table, or json for tools' -r -f -a "table\t''
json\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from list" -l color -d 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from list" -l sigma-skip-unsupported -d 'Skip Sigma rules driftwatch cannot evaluate, with warning W007'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress bars or summaries on stderr (for cron); errors still print'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from explain" -l checks -d 'More check files from this directory (repeatable)' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from explain" -l config -d 'Configuration file (default: ./driftwatch.toml when present)' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from explain" -l color -d 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from explain" -l sigma-skip-unsupported -d 'Skip Sigma rules driftwatch cannot evaluate, with warning W007'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from explain" -s q -l quiet -d 'No progress bars or summaries on stderr (for cron); errors still print'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from explain" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from help" -f -a "list" -d 'List every check with its id, severity and risk'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from help" -f -a "explain" -d 'Print a check\'s rationale, remediation, references and expression'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand checks; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand diff" -l format -d 'Report format; default: table on a terminal, JSON otherwise' -r -f -a "table\t''
json\t''
markdown\t''
junit\t''
sarif\t'SARIF 2.1.0, for code-scanning upload'"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand diff" -s o -l output -d 'Write the report here (atomically) instead of stdout' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand diff" -l width -d 'Columns the table fills (default: the terminal\'s width, or 100 when stdout is a pipe or file; at least 60)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand diff" -l config -d 'Configuration file (default: ./driftwatch.toml when present)' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand diff" -l color -d 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand diff" -s q -l quiet -d 'No progress bars or summaries on stderr (for cron); errors still print'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand diff" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and not __fish_seen_subcommand_from save approve show help" -l color -d 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and not __fish_seen_subcommand_from save approve show help" -s q -l quiet -d 'No progress bars or summaries on stderr (for cron); errors still print'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and not __fish_seen_subcommand_from save approve show help" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and not __fish_seen_subcommand_from save approve show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and not __fish_seen_subcommand_from save approve show help" -f -a "save" -d 'Write the account\'s current state as its baseline'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and not __fish_seen_subcommand_from save approve show help" -f -a "approve" -d 'Accept changes and findings: by id (pinned to their current content and evidence), or the whole current state'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and not __fish_seen_subcommand_from save approve show help" -f -a "show" -d 'Summarize a baseline and its approvals'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and not __fish_seen_subcommand_from save approve show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l profile -d 'Named profile from the AWS config files' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l region -d 'Regions to scan for regional services (repeatable or comma-separated); default: the baseline\'s regions, else every enabled region' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l endpoint-url -d 'Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l concurrency -d 'Maximum API requests in flight' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l timeout -d 'Seconds one API operation may take, retries included: an endpoint that accepts connections and never answers ends the run, not hangs it' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l attempt-timeout -d 'Seconds one HTTP attempt may take' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l max-attempts -d 'Attempts per API call (the SDK\'s adaptive retry mode: backoff, and a client-side rate that slows down when AWS throttles)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l rate-limit -d 'Client-side request rate for one service, in every region it is read in: `ec2=20` (per second; a burst of twice that) or `ec2=20/100`; repeatable; `off` lifts every limit. The defaults stay well below AWS\'s published quotas (README, "Performance")' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l accounts -d 'Accounts to read: 12-digit ids (comma-separated), or `org` for every active account of the organization (Organizations ListAccounts, from the management or a delegated administrator account)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l ou -d 'With `--accounts org`: only the accounts under this organizational unit, nested ones included (repeatable)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l role-name -d 'The role to assume in each account (the account the credentials are for is read with them directly)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l external-id -d 'External id the role\'s trust policy asks for' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l parallel-accounts -d 'Accounts read at once; each has its own --concurrency and rate limits, as each has its own API quotas' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l from -d 'Take the state from this snapshot file instead of reading the account' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l out -d 'Where to write (default: baselines/<account-id>.json; .gz compresses); with --accounts, a directory for every account\'s' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l checks -d 'More check files (*.toml) from this directory (repeatable): their findings are accepted as known too' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l config -d 'Configuration file (default: ./driftwatch.toml when present)' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l color -d 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l force -d 'Replace a baseline that holds approvals (they are lost)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -l no-checks -d 'Record no findings as known: every finding of the next scan is new'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -s q -l quiet -d 'No progress bars or summaries on stderr (for cron); errors still print'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from save" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l reason -d 'Why these changes are acceptable (kept in the baseline)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l expires -d 'Until when (YYYY-MM-DD, end of that day UTC, or RFC 3339); the change re-opens after' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l by -d 'Who approves (default: the AWS caller identity, or $USER with --snapshot)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l profile -d 'Named profile from the AWS config files' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l region -d 'Regions to scan for regional services (repeatable or comma-separated); default: the baseline\'s regions, else every enabled region' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l endpoint-url -d 'Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l concurrency -d 'Maximum API requests in flight' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l timeout -d 'Seconds one API operation may take, retries included: an endpoint that accepts connections and never answers ends the run, not hangs it' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l attempt-timeout -d 'Seconds one HTTP attempt may take' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l max-attempts -d 'Attempts per API call (the SDK\'s adaptive retry mode: backoff, and a client-side rate that slows down when AWS throttles)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l rate-limit -d 'Client-side request rate for one service, in every region it is read in: `ec2=20` (per second; a burst of twice that) or `ec2=20/100`; repeatable; `off` lifts every limit. The defaults stay well below AWS\'s published quotas (README, "Performance")' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l snapshot -d 'Current state from this snapshot file instead of reading the account' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l from-report -d 'Approve changes as a saved JSON scan report lists them (no AWS access)' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l accounts -d 'Accounts to read: 12-digit ids (comma-separated), or `org` for every active account of the organization (Organizations ListAccounts, from the management or a delegated administrator account)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l ou -d 'With `--accounts org`: only the accounts under this organizational unit, nested ones included (repeatable)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l role-name -d 'The role to assume in each account (the account the credentials are for is read with them directly)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l external-id -d 'External id the role\'s trust policy asks for' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l parallel-accounts -d 'Accounts read at once; each has its own --concurrency and rate limits, as each has its own API quotas' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l baseline -d 'Baseline to update (default: baselines/<account-id>.json)' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l checks -d 'More check files (*.toml) from this directory (repeatable): their findings are accepted as known too' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l config -d 'Configuration file (default: ./driftwatch.toml when present)' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l color -d 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l all -d 'Accept the whole current state as the new baseline'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -l no-checks -d 'Record no findings as known: every finding of the next scan is new'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -s q -l quiet -d 'No progress bars or summaries on stderr (for cron); errors still print'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from approve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from show" -l color -d 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from show" -l json -d 'Output as JSON instead of text'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from show" -s q -l quiet -d 'No progress bars or summaries on stderr (for cron); errors still print'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from help" -f -a "save" -d 'Write the account\'s current state as its baseline'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from help" -f -a "approve" -d 'Accept changes and findings: by id (pinned to their current content and evidence), or the whole current state'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from help" -f -a "show" -d 'Summarize a baseline and its approvals'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand baseline; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand merge" -l format -d 'Report format; default: table on a terminal, JSON otherwise' -r -f -a "table\t''
json\t''
markdown\t''
junit\t''
sarif\t'SARIF 2.1.0, for code-scanning upload'"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand merge" -s o -l output -d 'Write the report here (atomically) instead of stdout' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand merge" -l width -d 'Columns the table fills (default: the terminal\'s width, or 100)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand merge" -l color -d 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand merge" -s q -l quiet -d 'No progress bars or summaries on stderr (for cron); errors still print'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand merge" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand merge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l dir -d 'Write the demo bundle (baseline, current snapshot, CloudTrail logs, driftwatch.toml) under DIR instead, to run `driftwatch scan` on it by hand' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l checks -d 'More check files (*.toml, and Sigma rules *.yml) from this directory (repeatable)' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l fail-on -d 'Unsuppressed findings at or above this severity make the exit code 1; `none` reports findings without failing (unauthorized changes still do)' -r -f -a "none\t''
info\t''
low\t''
medium\t''
high\t''
critical\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l notify -d 'Post alerts here (repeatable): a Slack incoming webhook gets a Slack message, any other https URL the JSON report; `slack:URL` forces Slack. Also `[notify] urls` in the config. URLs are never printed' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l notify-on -d 'What warrants an alert: unauthorized or transient changes, failing findings, or both' -r -f -a "changes\t''
findings\t''
both\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l notify-timeout -d 'Seconds to wait for each delivery attempt (3 attempts, with backoff)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l notify-state -d 'Remember what was sent here (default: beside the baseline, `baselines/ACCOUNT.alerts.json`); an item is sent again when it changes or after --realert hours' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l realert -d 'Hours before an item already sent is sent again (default 24)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l format -d 'Report format; default: table on a terminal, JSON otherwise' -r -f -a "table\t''
json\t''
markdown\t''
junit\t''
sarif\t'SARIF 2.1.0, for code-scanning upload'"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -s o -l output -d 'Write the report here (atomically) instead of stdout' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l width -d 'Columns the table fills (default: the terminal\'s width, or 100 when stdout is a pipe or file; at least 60)' -r
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l config -d 'Configuration file (default: ./driftwatch.toml when present)' -r -F
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l color -d 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l show-approved -d 'List approved changes too (by default they are counted, not listed)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l fail-on-known -d 'Known findings (accepted with the baseline, exactly as they were) fail the run too; by default only new and updated ones do'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l no-checks -d 'Do not run posture checks'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l sigma-skip-unsupported -d 'Skip Sigma rules driftwatch cannot evaluate, with warning W007, instead of refusing them'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -l notify-all -d 'Send every run\'s alert in full, remembering nothing'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -s q -l quiet -d 'No progress bars or summaries on stderr (for cron); errors still print'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand completions" -l color -d 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t'On a terminal, unless NO_COLOR is set'
always\t''
never\t''"
complete -c driftwatch -n "__fish_driftwatch_using_subcommand completions" -s q -l quiet -d 'No progress bars or summaries on stderr (for cron); errors still print'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand completions" -s v -l verbose -d 'More log output on stderr (-v info, -vv debug)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand help; and not __fish_seen_subcommand_from snapshot scan check checks diff baseline merge demo completions help" -f -a "snapshot" -d 'Read the account and write a JSON snapshot of its state'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand help; and not __fish_seen_subcommand_from snapshot scan check checks diff baseline merge demo completions help" -f -a "scan" -d 'Compare the account with its baseline and report unauthorized change'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand help; and not __fish_seen_subcommand_from snapshot scan check checks diff baseline merge demo completions help" -f -a "check" -d 'Run the posture checks alone on the account or a snapshot file'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand help; and not __fish_seen_subcommand_from snapshot scan check checks diff baseline merge demo completions help" -f -a "checks" -d 'List and explain the posture checks'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand help; and not __fish_seen_subcommand_from snapshot scan check checks diff baseline merge demo completions help" -f -a "diff" -d 'Compare two snapshot or baseline files (no AWS access needed)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand help; and not __fish_seen_subcommand_from snapshot scan check checks diff baseline merge demo completions help" -f -a "baseline" -d 'Save, approve and inspect baselines'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand help; and not __fish_seen_subcommand_from snapshot scan check checks diff baseline merge demo completions help" -f -a "merge" -d 'Combine JSON reports of several runs (shards of an organization) into one'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand help; and not __fish_seen_subcommand_from snapshot scan check checks diff baseline merge demo completions help" -f -a "demo" -d 'Run the whole pipeline on a bundled demo account (no AWS needed)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand help; and not __fish_seen_subcommand_from snapshot scan check checks diff baseline merge demo completions help" -f -a "completions" -d 'Print shell completions'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand help; and not __fish_seen_subcommand_from snapshot scan check checks diff baseline merge demo completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand help; and __fish_seen_subcommand_from checks" -f -a "list" -d 'List every check with its id, severity and risk'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand help; and __fish_seen_subcommand_from checks" -f -a "explain" -d 'Print a check\'s rationale, remediation, references and expression'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand help; and __fish_seen_subcommand_from baseline" -f -a "save" -d 'Write the account\'s current state as its baseline'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand help; and __fish_seen_subcommand_from baseline" -f -a "approve" -d 'Accept changes and findings: by id (pinned to their current content and evidence), or the whole current state'
complete -c driftwatch -n "__fish_driftwatch_using_subcommand help; and __fish_seen_subcommand_from baseline" -f -a "show" -d 'Summarize a baseline and its approvals'
