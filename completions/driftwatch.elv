
use builtin;
use str;

set edit:completion:arg-completer[driftwatch] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'driftwatch'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'driftwatch'= {
            cand --color 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never'
            cand -q 'No progress bars or summaries on stderr (for cron); errors still print'
            cand --quiet 'No progress bars or summaries on stderr (for cron); errors still print'
            cand -v 'More log output on stderr (-v info, -vv debug)'
            cand --verbose 'More log output on stderr (-v info, -vv debug)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand snapshot 'Read the account and write a JSON snapshot of its state'
            cand scan 'Compare the account with its baseline and report unauthorized change'
            cand check 'Run the posture checks alone on the account or a snapshot file'
            cand checks 'List and explain the posture checks'
            cand diff 'Compare two snapshot or baseline files (no AWS access needed)'
            cand baseline 'Save, approve and inspect baselines'
            cand merge 'Combine JSON reports of several runs (shards of an organization) into one'
            cand demo 'Run the whole pipeline on a bundled demo account (no AWS needed)'
            cand completions 'Print shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'driftwatch;snapshot'= {
            cand --profile 'Named profile from the AWS config files'
            cand --region 'Regions to scan for regional services (repeatable or comma-separated); default: the baseline''s regions, else every enabled region'
            cand --endpoint-url 'Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style'
            cand --concurrency 'Maximum API requests in flight'
            cand --timeout 'Seconds one API operation may take, retries included: an endpoint that accepts connections and never answers ends the run, not hangs it'
            cand --attempt-timeout 'Seconds one HTTP attempt may take'
            cand --max-attempts 'Attempts per API call (the SDK''s adaptive retry mode: backoff, and a client-side rate that slows down when AWS throttles)'
            cand --rate-limit 'Client-side request rate for one service, in every region it is read in: `ec2=20` (per second; a burst of twice that) or `ec2=20/100`; repeatable; `off` lifts every limit. The defaults stay well below AWS''s published quotas (README, "Performance")'
            cand -o 'Write the snapshot here (atomically) instead of stdout'
            cand --output 'Write the snapshot here (atomically) instead of stdout'
            cand --color 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never'
            cand -q 'No progress bars or summaries on stderr (for cron); errors still print'
            cand --quiet 'No progress bars or summaries on stderr (for cron); errors still print'
            cand -v 'More log output on stderr (-v info, -vv debug)'
            cand --verbose 'More log output on stderr (-v info, -vv debug)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'driftwatch;scan'= {
            cand --snapshot 'Use this snapshot file as the current state instead of reading the account'
            cand --baseline 'Baseline to compare with (default: baselines/<account-id>.json; with --accounts, each account''s)'
            cand --cloudtrail 'Where CloudTrail events come from: `api` (LookupEvents), `trail` (the account''s trail in S3), `s3://bucket/prefix`, a local file or directory, `athena://WORKGROUP/DATABASE.TABLE[?output=s3://bucket/prefix]` (an organization trail''s table), or `none`. Default: `api` when reading the account, `none` with --snapshot'
            cand --profile 'Named profile from the AWS config files'
            cand --region 'Regions to scan for regional services (repeatable or comma-separated); default: the baseline''s regions, else every enabled region'
            cand --endpoint-url 'Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style'
            cand --concurrency 'Maximum API requests in flight'
            cand --timeout 'Seconds one API operation may take, retries included: an endpoint that accepts connections and never answers ends the run, not hangs it'
            cand --attempt-timeout 'Seconds one HTTP attempt may take'
            cand --max-attempts 'Attempts per API call (the SDK''s adaptive retry mode: backoff, and a client-side rate that slows down when AWS throttles)'
            cand --rate-limit 'Client-side request rate for one service, in every region it is read in: `ec2=20` (per second; a burst of twice that) or `ec2=20/100`; repeatable; `off` lifts every limit. The defaults stay well below AWS''s published quotas (README, "Performance")'
            cand --accounts 'Accounts to read: 12-digit ids (comma-separated), or `org` for every active account of the organization (Organizations ListAccounts, from the management or a delegated administrator account)'
            cand --ou 'With `--accounts org`: only the accounts under this organizational unit, nested ones included (repeatable)'
            cand --role-name 'The role to assume in each account (the account the credentials are for is read with them directly)'
            cand --external-id 'External id the role''s trust policy asks for'
            cand --parallel-accounts 'Accounts read at once; each has its own --concurrency and rate limits, as each has its own API quotas'
            cand --checks 'More check files (*.toml, and Sigma rules *.yml) from this directory (repeatable)'
            cand --fail-on 'Unsuppressed findings at or above this severity make the exit code 1; `none` reports findings without failing (unauthorized changes still do)'
            cand --notify 'Post alerts here (repeatable): a Slack incoming webhook gets a Slack message, any other https URL the JSON report; `slack:URL` forces Slack. Also `[notify] urls` in the config. URLs are never printed'
            cand --notify-on 'What warrants an alert: unauthorized or transient changes, failing findings, or both'
            cand --notify-timeout 'Seconds to wait for each delivery attempt (3 attempts, with backoff)'
            cand --notify-state 'Remember what was sent here (default: beside the baseline, `baselines/ACCOUNT.alerts.json`); an item is sent again when it changes or after --realert hours'
            cand --realert 'Hours before an item already sent is sent again (default 24)'
            cand --format 'Report format; default: table on a terminal, JSON otherwise'
            cand -o 'Write the report here (atomically) instead of stdout'
            cand --output 'Write the report here (atomically) instead of stdout'
            cand --width 'Columns the table fills (default: the terminal''s width, or 100 when stdout is a pipe or file; at least 60)'
            cand --config 'Configuration file (default: ./driftwatch.toml when present)'
            cand --color 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --show-approved 'List approved changes too (by default they are counted, not listed: the report shows what is not yet reviewed)'
            cand --all-transients 'List every transient change and every write outside the snapshot in full (by default, more than five alike ones, same kind or call, principal and verdict, are one entry with a count, the time span and samples)'
            cand --fail-on-known 'Known findings (accepted with the baseline, exactly as they were) fail the run too; by default only new and updated ones do'
            cand --no-checks 'Do not run posture checks'
            cand --sigma-skip-unsupported 'Skip Sigma rules driftwatch cannot evaluate, with warning W007, instead of refusing them'
            cand --notify-all 'Send every run''s alert in full, remembering nothing'
            cand -q 'No progress bars or summaries on stderr (for cron); errors still print'
            cand --quiet 'No progress bars or summaries on stderr (for cron); errors still print'
            cand -v 'More log output on stderr (-v info, -vv debug)'
            cand --verbose 'More log output on stderr (-v info, -vv debug)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'driftwatch;check'= {
            cand --profile 'Named profile from the AWS config files'
            cand --region 'Regions to scan for regional services (repeatable or comma-separated); default: the baseline''s regions, else every enabled region'
            cand --endpoint-url 'Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style'
            cand --concurrency 'Maximum API requests in flight'
            cand --timeout 'Seconds one API operation may take, retries included: an endpoint that accepts connections and never answers ends the run, not hangs it'
            cand --attempt-timeout 'Seconds one HTTP attempt may take'
            cand --max-attempts 'Attempts per API call (the SDK''s adaptive retry mode: backoff, and a client-side rate that slows down when AWS throttles)'
            cand --rate-limit 'Client-side request rate for one service, in every region it is read in: `ec2=20` (per second; a burst of twice that) or `ec2=20/100`; repeatable; `off` lifts every limit. The defaults stay well below AWS''s published quotas (README, "Performance")'
            cand --snapshot 'Check this snapshot file instead of reading the account'
            cand --checks 'More check files (*.toml, and Sigma rules *.yml) from this directory (repeatable)'
            cand --fail-on 'Unsuppressed findings at or above this severity make the exit code 1; `none` reports findings without failing (unauthorized changes still do)'
            cand --notify 'Post alerts here (repeatable): a Slack incoming webhook gets a Slack message, any other https URL the JSON report; `slack:URL` forces Slack. Also `[notify] urls` in the config. URLs are never printed'
            cand --notify-on 'What warrants an alert: unauthorized or transient changes, failing findings, or both'
            cand --notify-timeout 'Seconds to wait for each delivery attempt (3 attempts, with backoff)'
            cand --notify-state 'Remember what was sent here (default: beside the baseline, `baselines/ACCOUNT.alerts.json`); an item is sent again when it changes or after --realert hours'
            cand --realert 'Hours before an item already sent is sent again (default 24)'
            cand --format 'Report format; default: table on a terminal, JSON otherwise'
            cand -o 'Write the report here (atomically) instead of stdout'
            cand --output 'Write the report here (atomically) instead of stdout'
            cand --width 'Columns the table fills (default: the terminal''s width, or 100 when stdout is a pipe or file; at least 60)'
            cand --config 'Configuration file (default: ./driftwatch.toml when present)'
            cand --color 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --fail-on-known 'Known findings (accepted with the baseline, exactly as they were) fail the run too; by default only new and updated ones do'
            cand --no-checks 'Do not run posture checks'
            cand --sigma-skip-unsupported 'Skip Sigma rules driftwatch cannot evaluate, with warning W007, instead of refusing them'
            cand --notify-all 'Send every run''s alert in full, remembering nothing'
            cand -q 'No progress bars or summaries on stderr (for cron); errors still print'
            cand --quiet 'No progress bars or summaries on stderr (for cron); errors still print'
            cand -v 'More log output on stderr (-v info, -vv debug)'
            cand --verbose 'More log output on stderr (-v info, -vv debug)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'driftwatch;checks'= {
            cand --color 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never'
            cand -q 'No progress bars or summaries on stderr (for cron); errors still print'
            cand --quiet 'No progress bars or summaries on stderr (for cron); errors still print'
            cand -v 'More log output on stderr (-v info, -vv debug)'
            cand --verbose 'More log output on stderr (-v info, -vv debug)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand list 'List every check with its id, severity and risk'
            cand explain 'Print a check''s rationale, remediation, references and expression'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'driftwatch;checks;list'= {
            cand --checks 'More check files from this directory (repeatable)'
            cand --config 'Configuration file (default: ./driftwatch.toml when present)'
            cand --format 'table, or json for tools'
            cand --color 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --sigma-skip-unsupported 'Skip Sigma rules driftwatch cannot evaluate, with warning W007'
            cand -q 'No progress bars or summaries on stderr (for cron); errors still print'
            cand --quiet 'No progress bars or summaries on stderr (for cron); errors still print'
            cand -v 'More log output on stderr (-v info, -vv debug)'
            cand --verbose 'More log output on stderr (-v info, -vv debug)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'driftwatch;checks;explain'= {
            cand --checks 'More check files from this directory (repeatable)'
            cand --config 'Configuration file (default: ./driftwatch.toml when present)'
            cand --color 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --sigma-skip-unsupported 'Skip Sigma rules driftwatch cannot evaluate, with warning W007'
            cand -q 'No progress bars or summaries on stderr (for cron); errors still print'
            cand --quiet 'No progress bars or summaries on stderr (for cron); errors still print'
            cand -v 'More log output on stderr (-v info, -vv debug)'
            cand --verbose 'More log output on stderr (-v info, -vv debug)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'driftwatch;checks;help'= {
            cand list 'List every check with its id, severity and risk'
            cand explain 'Print a check''s rationale, remediation, references and expression'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'driftwatch;checks;help;list'= {
        }
        &'driftwatch;checks;help;explain'= {
        }
        &'driftwatch;checks;help;help'= {
        }
        &'driftwatch;diff'= {
            cand --format 'Report format; default: table on a terminal, JSON otherwise'
            cand -o 'Write the report here (atomically) instead of stdout'
            cand --output 'Write the report here (atomically) instead of stdout'
            cand --width 'Columns the table fills (default: the terminal''s width, or 100 when stdout is a pipe or file; at least 60)'
            cand --config 'Configuration file (default: ./driftwatch.toml when present)'
            cand --color 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never'
            cand -q 'No progress bars or summaries on stderr (for cron); errors still print'
            cand --quiet 'No progress bars or summaries on stderr (for cron); errors still print'
            cand -v 'More log output on stderr (-v info, -vv debug)'
            cand --verbose 'More log output on stderr (-v info, -vv debug)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'driftwatch;baseline'= {
            cand --color 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never'
            cand -q 'No progress bars or summaries on stderr (for cron); errors still print'
            cand --quiet 'No progress bars or summaries on stderr (for cron); errors still print'
            cand -v 'More log output on stderr (-v info, -vv debug)'
            cand --verbose 'More log output on stderr (-v info, -vv debug)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand save 'Write the account''s current state as its baseline'
            cand approve 'Accept changes and findings: by id (pinned to their current content and evidence), or the whole current state'
            cand show 'Summarize a baseline and its approvals'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'driftwatch;baseline;save'= {
            cand --profile 'Named profile from the AWS config files'
            cand --region 'Regions to scan for regional services (repeatable or comma-separated); default: the baseline''s regions, else every enabled region'
            cand --endpoint-url 'Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style'
            cand --concurrency 'Maximum API requests in flight'
            cand --timeout 'Seconds one API operation may take, retries included: an endpoint that accepts connections and never answers ends the run, not hangs it'
            cand --attempt-timeout 'Seconds one HTTP attempt may take'
            cand --max-attempts 'Attempts per API call (the SDK''s adaptive retry mode: backoff, and a client-side rate that slows down when AWS throttles)'
            cand --rate-limit 'Client-side request rate for one service, in every region it is read in: `ec2=20` (per second; a burst of twice that) or `ec2=20/100`; repeatable; `off` lifts every limit. The defaults stay well below AWS''s published quotas (README, "Performance")'
            cand --accounts 'Accounts to read: 12-digit ids (comma-separated), or `org` for every active account of the organization (Organizations ListAccounts, from the management or a delegated administrator account)'
            cand --ou 'With `--accounts org`: only the accounts under this organizational unit, nested ones included (repeatable)'
            cand --role-name 'The role to assume in each account (the account the credentials are for is read with them directly)'
            cand --external-id 'External id the role''s trust policy asks for'
            cand --parallel-accounts 'Accounts read at once; each has its own --concurrency and rate limits, as each has its own API quotas'
            cand --from 'Take the state from this snapshot file instead of reading the account'
            cand --out 'Where to write (default: baselines/<account-id>.json; .gz compresses); with --accounts, a directory for every account''s'
            cand --checks 'More check files (*.toml) from this directory (repeatable): their findings are accepted as known too'
            cand --config 'Configuration file (default: ./driftwatch.toml when present)'
            cand --color 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --force 'Replace a baseline that holds approvals (they are lost)'
            cand --no-checks 'Record no findings as known: every finding of the next scan is new'
            cand -q 'No progress bars or summaries on stderr (for cron); errors still print'
            cand --quiet 'No progress bars or summaries on stderr (for cron); errors still print'
            cand -v 'More log output on stderr (-v info, -vv debug)'
            cand --verbose 'More log output on stderr (-v info, -vv debug)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'driftwatch;baseline;approve'= {
            cand --reason 'Why these changes are acceptable (kept in the baseline)'
            cand --expires 'Until when (YYYY-MM-DD, end of that day UTC, or RFC 3339); the change re-opens after'
            cand --by 'Who approves (default: the AWS caller identity, or $USER with --snapshot)'
            cand --profile 'Named profile from the AWS config files'
            cand --region 'Regions to scan for regional services (repeatable or comma-separated); default: the baseline''s regions, else every enabled region'
            cand --endpoint-url 'Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style'
            cand --concurrency 'Maximum API requests in flight'
            cand --timeout 'Seconds one API operation may take, retries included: an endpoint that accepts connections and never answers ends the run, not hangs it'
            cand --attempt-timeout 'Seconds one HTTP attempt may take'
            cand --max-attempts 'Attempts per API call (the SDK''s adaptive retry mode: backoff, and a client-side rate that slows down when AWS throttles)'
            cand --rate-limit 'Client-side request rate for one service, in every region it is read in: `ec2=20` (per second; a burst of twice that) or `ec2=20/100`; repeatable; `off` lifts every limit. The defaults stay well below AWS''s published quotas (README, "Performance")'
            cand --snapshot 'Current state from this snapshot file instead of reading the account'
            cand --from-report 'Approve changes as a saved JSON scan report lists them (no AWS access)'
            cand --accounts 'Accounts to read: 12-digit ids (comma-separated), or `org` for every active account of the organization (Organizations ListAccounts, from the management or a delegated administrator account)'
            cand --ou 'With `--accounts org`: only the accounts under this organizational unit, nested ones included (repeatable)'
            cand --role-name 'The role to assume in each account (the account the credentials are for is read with them directly)'
            cand --external-id 'External id the role''s trust policy asks for'
            cand --parallel-accounts 'Accounts read at once; each has its own --concurrency and rate limits, as each has its own API quotas'
            cand --baseline 'Baseline to update (default: baselines/<account-id>.json)'
            cand --checks 'More check files (*.toml) from this directory (repeatable): their findings are accepted as known too'
            cand --config 'Configuration file (default: ./driftwatch.toml when present)'
            cand --color 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --all 'Accept the whole current state as the new baseline'
            cand --no-checks 'Record no findings as known: every finding of the next scan is new'
            cand -q 'No progress bars or summaries on stderr (for cron); errors still print'
            cand --quiet 'No progress bars or summaries on stderr (for cron); errors still print'
            cand -v 'More log output on stderr (-v info, -vv debug)'
            cand --verbose 'More log output on stderr (-v info, -vv debug)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'driftwatch;baseline;show'= {
            cand --color 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --json 'Output as JSON instead of text'
            cand -q 'No progress bars or summaries on stderr (for cron); errors still print'
            cand --quiet 'No progress bars or summaries on stderr (for cron); errors still print'
            cand -v 'More log output on stderr (-v info, -vv debug)'
            cand --verbose 'More log output on stderr (-v info, -vv debug)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'driftwatch;baseline;help'= {
            cand save 'Write the account''s current state as its baseline'
            cand approve 'Accept changes and findings: by id (pinned to their current content and evidence), or the whole current state'
            cand show 'Summarize a baseline and its approvals'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'driftwatch;baseline;help;save'= {
        }
        &'driftwatch;baseline;help;approve'= {
        }
        &'driftwatch;baseline;help;show'= {
        }
        &'driftwatch;baseline;help;help'= {
        }
        &'driftwatch;merge'= {
            cand --format 'Report format; default: table on a terminal, JSON otherwise'
            cand -o 'Write the report here (atomically) instead of stdout'
            cand --output 'Write the report here (atomically) instead of stdout'
            cand --width 'Columns the table fills (default: the terminal''s width, or 100)'
            cand --color 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never'
            cand -q 'No progress bars or summaries on stderr (for cron); errors still print'
            cand --quiet 'No progress bars or summaries on stderr (for cron); errors still print'
            cand -v 'More log output on stderr (-v info, -vv debug)'
            cand --verbose 'More log output on stderr (-v info, -vv debug)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'driftwatch;demo'= {
            cand --dir 'Write the demo bundle (baseline, current snapshot, CloudTrail logs, driftwatch.toml) under DIR instead, to run `driftwatch scan` on it by hand'
            cand --checks 'More check files (*.toml, and Sigma rules *.yml) from this directory (repeatable)'
            cand --fail-on 'Unsuppressed findings at or above this severity make the exit code 1; `none` reports findings without failing (unauthorized changes still do)'
            cand --notify 'Post alerts here (repeatable): a Slack incoming webhook gets a Slack message, any other https URL the JSON report; `slack:URL` forces Slack. Also `[notify] urls` in the config. URLs are never printed'
            cand --notify-on 'What warrants an alert: unauthorized or transient changes, failing findings, or both'
            cand --notify-timeout 'Seconds to wait for each delivery attempt (3 attempts, with backoff)'
            cand --notify-state 'Remember what was sent here (default: beside the baseline, `baselines/ACCOUNT.alerts.json`); an item is sent again when it changes or after --realert hours'
            cand --realert 'Hours before an item already sent is sent again (default 24)'
            cand --format 'Report format; default: table on a terminal, JSON otherwise'
            cand -o 'Write the report here (atomically) instead of stdout'
            cand --output 'Write the report here (atomically) instead of stdout'
            cand --width 'Columns the table fills (default: the terminal''s width, or 100 when stdout is a pipe or file; at least 60)'
            cand --config 'Configuration file (default: ./driftwatch.toml when present)'
            cand --color 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --show-approved 'List approved changes too (by default they are counted, not listed)'
            cand --fail-on-known 'Known findings (accepted with the baseline, exactly as they were) fail the run too; by default only new and updated ones do'
            cand --no-checks 'Do not run posture checks'
            cand --sigma-skip-unsupported 'Skip Sigma rules driftwatch cannot evaluate, with warning W007, instead of refusing them'
            cand --notify-all 'Send every run''s alert in full, remembering nothing'
            cand -q 'No progress bars or summaries on stderr (for cron); errors still print'
            cand --quiet 'No progress bars or summaries on stderr (for cron); errors still print'
            cand -v 'More log output on stderr (-v info, -vv debug)'
            cand --verbose 'More log output on stderr (-v info, -vv debug)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'driftwatch;completions'= {
            cand --color 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never'
            cand -q 'No progress bars or summaries on stderr (for cron); errors still print'
            cand --quiet 'No progress bars or summaries on stderr (for cron); errors still print'
            cand -v 'More log output on stderr (-v info, -vv debug)'
            cand --verbose 'More log output on stderr (-v info, -vv debug)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'driftwatch;help'= {
            cand snapshot 'Read the account and write a JSON snapshot of its state'
            cand scan 'Compare the account with its baseline and report unauthorized change'
            cand check 'Run the posture checks alone on the account or a snapshot file'
            cand checks 'List and explain the posture checks'
            cand diff 'Compare two snapshot or baseline files (no AWS access needed)'
            cand baseline 'Save, approve and inspect baselines'
            cand merge 'Combine JSON reports of several runs (shards of an organization) into one'
            cand demo 'Run the whole pipeline on a bundled demo account (no AWS needed)'
            cand completions 'Print shell completions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'driftwatch;help;snapshot'= {
        }
        &'driftwatch;help;scan'= {
        }
        &'driftwatch;help;check'= {
        }
        &'driftwatch;help;checks'= {
            cand list 'List every check with its id, severity and risk'
            cand explain 'Print a check''s rationale, remediation, references and expression'
        }
        &'driftwatch;help;checks;list'= {
        }
        &'driftwatch;help;checks;explain'= {
        }
        &'driftwatch;help;diff'= {
        }
        &'driftwatch;help;baseline'= {
            cand save 'Write the account''s current state as its baseline'
            cand approve 'Accept changes and findings: by id (pinned to their current content and evidence), or the whole current state'
            cand show 'Summarize a baseline and its approvals'
        }
        &'driftwatch;help;baseline;save'= {
        }
        &'driftwatch;help;baseline;approve'= {
        }
        &'driftwatch;help;baseline;show'= {
        }
        &'driftwatch;help;merge'= {
        }
        &'driftwatch;help;demo'= {
        }
        &'driftwatch;help;completions'= {
        }
        &'driftwatch;help;help'= {
        }
    ]
    $completions[$command]
}
