
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'driftwatch' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'driftwatch'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'driftwatch' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Read the account and write a JSON snapshot of its state')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Compare the account with its baseline and report unauthorized change')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Run the posture checks alone on the account or a snapshot file')
            [CompletionResult]::new('checks', 'checks', [CompletionResultType]::ParameterValue, 'List and explain the posture checks')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two snapshot or baseline files (no AWS access needed)')
            [CompletionResult]::new('baseline', 'baseline', [CompletionResultType]::ParameterValue, 'Save, approve and inspect baselines')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Combine JSON reports of several runs (shards of an organization) into one')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Run the whole pipeline on a bundled demo account (no AWS needed)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'driftwatch;snapshot' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config files')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Regions to scan for regional services (repeatable or comma-separated); default: the baseline''s regions, else every enabled region')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Maximum API requests in flight')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one API operation may take, retries included: an endpoint that accepts connections and never answers ends the run, not hangs it')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per API call (the SDK''s adaptive retry mode: backoff, and a client-side rate that slows down when AWS throttles)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Client-side request rate for one service, in every region it is read in: `ec2=20` (per second; a burst of twice that) or `ec2=20/100`; repeatable; `off` lifts every limit. The defaults stay well below AWS''s published quotas (README, "Performance")')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the snapshot here (atomically) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the snapshot here (atomically) instead of stdout')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'driftwatch;scan' {
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Use this snapshot file as the current state instead of reading the account')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Baseline to compare with (default: baselines/<account-id>.json; with --accounts, each account''s)')
            [CompletionResult]::new('--cloudtrail', '--cloudtrail', [CompletionResultType]::ParameterName, 'Where CloudTrail events come from: `api` (LookupEvents), `trail` (the account''s trail in S3), `s3://bucket/prefix`, a local file or directory, `athena://WORKGROUP/DATABASE.TABLE[?output=s3://bucket/prefix]` (an organization trail''s table), or `none`. Default: `api` when reading the account, `none` with --snapshot')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config files')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Regions to scan for regional services (repeatable or comma-separated); default: the baseline''s regions, else every enabled region')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Maximum API requests in flight')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one API operation may take, retries included: an endpoint that accepts connections and never answers ends the run, not hangs it')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per API call (the SDK''s adaptive retry mode: backoff, and a client-side rate that slows down when AWS throttles)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Client-side request rate for one service, in every region it is read in: `ec2=20` (per second; a burst of twice that) or `ec2=20/100`; repeatable; `off` lifts every limit. The defaults stay well below AWS''s published quotas (README, "Performance")')
            [CompletionResult]::new('--accounts', '--accounts', [CompletionResultType]::ParameterName, 'Accounts to read: 12-digit ids (comma-separated), or `org` for every active account of the organization (Organizations ListAccounts, from the management or a delegated administrator account)')
            [CompletionResult]::new('--ou', '--ou', [CompletionResultType]::ParameterName, 'With `--accounts org`: only the accounts under this organizational unit, nested ones included (repeatable)')
            [CompletionResult]::new('--role-name', '--role-name', [CompletionResultType]::ParameterName, 'The role to assume in each account (the account the credentials are for is read with them directly)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External id the role''s trust policy asks for')
            [CompletionResult]::new('--parallel-accounts', '--parallel-accounts', [CompletionResultType]::ParameterName, 'Accounts read at once; each has its own --concurrency and rate limits, as each has its own API quotas')
            [CompletionResult]::new('--checks', '--checks', [CompletionResultType]::ParameterName, 'More check files (*.toml, and Sigma rules *.yml) from this directory (repeatable)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Unsuppressed findings at or above this severity make the exit code 1; `none` reports findings without failing (unauthorized changes still do)')
            [CompletionResult]::new('--notify', '--notify', [CompletionResultType]::ParameterName, 'Post alerts here (repeatable): a Slack incoming webhook gets a Slack message, any other https URL the JSON report; `slack:URL` forces Slack. Also `[notify] urls` in the config. URLs are never printed')
            [CompletionResult]::new('--notify-on', '--notify-on', [CompletionResultType]::ParameterName, 'What warrants an alert: unauthorized or transient changes, failing findings, or both')
            [CompletionResult]::new('--notify-timeout', '--notify-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each delivery attempt (3 attempts, with backoff)')
            [CompletionResult]::new('--notify-state', '--notify-state', [CompletionResultType]::ParameterName, 'Remember what was sent here (default: beside the baseline, `baselines/ACCOUNT.alerts.json`); an item is sent again when it changes or after --realert hours')
            [CompletionResult]::new('--realert', '--realert', [CompletionResultType]::ParameterName, 'Hours before an item already sent is sent again (default 24)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format; default: table on a terminal, JSON otherwise')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report here (atomically) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report here (atomically) instead of stdout')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Columns the table fills (default: the terminal''s width, or 100 when stdout is a pipe or file; at least 60)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./driftwatch.toml when present)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--show-approved', '--show-approved', [CompletionResultType]::ParameterName, 'List approved changes too (by default they are counted, not listed: the report shows what is not yet reviewed)')
            [CompletionResult]::new('--all-transients', '--all-transients', [CompletionResultType]::ParameterName, 'List every transient change and every write outside the snapshot in full (by default, more than five alike ones, same kind or call, principal and verdict, are one entry with a count, the time span and samples)')
            [CompletionResult]::new('--fail-on-known', '--fail-on-known', [CompletionResultType]::ParameterName, 'Known findings (accepted with the baseline, exactly as they were) fail the run too; by default only new and updated ones do')
            [CompletionResult]::new('--no-checks', '--no-checks', [CompletionResultType]::ParameterName, 'Do not run posture checks')
            [CompletionResult]::new('--sigma-skip-unsupported', '--sigma-skip-unsupported', [CompletionResultType]::ParameterName, 'Skip Sigma rules driftwatch cannot evaluate, with warning W007, instead of refusing them')
            [CompletionResult]::new('--notify-all', '--notify-all', [CompletionResultType]::ParameterName, 'Send every run''s alert in full, remembering nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'driftwatch;check' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config files')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Regions to scan for regional services (repeatable or comma-separated); default: the baseline''s regions, else every enabled region')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Maximum API requests in flight')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one API operation may take, retries included: an endpoint that accepts connections and never answers ends the run, not hangs it')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per API call (the SDK''s adaptive retry mode: backoff, and a client-side rate that slows down when AWS throttles)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Client-side request rate for one service, in every region it is read in: `ec2=20` (per second; a burst of twice that) or `ec2=20/100`; repeatable; `off` lifts every limit. The defaults stay well below AWS''s published quotas (README, "Performance")')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Check this snapshot file instead of reading the account')
            [CompletionResult]::new('--checks', '--checks', [CompletionResultType]::ParameterName, 'More check files (*.toml, and Sigma rules *.yml) from this directory (repeatable)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Unsuppressed findings at or above this severity make the exit code 1; `none` reports findings without failing (unauthorized changes still do)')
            [CompletionResult]::new('--notify', '--notify', [CompletionResultType]::ParameterName, 'Post alerts here (repeatable): a Slack incoming webhook gets a Slack message, any other https URL the JSON report; `slack:URL` forces Slack. Also `[notify] urls` in the config. URLs are never printed')
            [CompletionResult]::new('--notify-on', '--notify-on', [CompletionResultType]::ParameterName, 'What warrants an alert: unauthorized or transient changes, failing findings, or both')
            [CompletionResult]::new('--notify-timeout', '--notify-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each delivery attempt (3 attempts, with backoff)')
            [CompletionResult]::new('--notify-state', '--notify-state', [CompletionResultType]::ParameterName, 'Remember what was sent here (default: beside the baseline, `baselines/ACCOUNT.alerts.json`); an item is sent again when it changes or after --realert hours')
            [CompletionResult]::new('--realert', '--realert', [CompletionResultType]::ParameterName, 'Hours before an item already sent is sent again (default 24)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format; default: table on a terminal, JSON otherwise')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report here (atomically) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report here (atomically) instead of stdout')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Columns the table fills (default: the terminal''s width, or 100 when stdout is a pipe or file; at least 60)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./driftwatch.toml when present)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--fail-on-known', '--fail-on-known', [CompletionResultType]::ParameterName, 'Known findings (accepted with the baseline, exactly as they were) fail the run too; by default only new and updated ones do')
            [CompletionResult]::new('--no-checks', '--no-checks', [CompletionResultType]::ParameterName, 'Do not run posture checks')
            [CompletionResult]::new('--sigma-skip-unsupported', '--sigma-skip-unsupported', [CompletionResultType]::ParameterName, 'Skip Sigma rules driftwatch cannot evaluate, with warning W007, instead of refusing them')
            [CompletionResult]::new('--notify-all', '--notify-all', [CompletionResultType]::ParameterName, 'Send every run''s alert in full, remembering nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'driftwatch;checks' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every check with its id, severity and risk')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Print a check''s rationale, remediation, references and expression')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'driftwatch;checks;list' {
            [CompletionResult]::new('--checks', '--checks', [CompletionResultType]::ParameterName, 'More check files from this directory (repeatable)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./driftwatch.toml when present)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table, or json for tools')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--sigma-skip-unsupported', '--sigma-skip-unsupported', [CompletionResultType]::ParameterName, 'Skip Sigma rules driftwatch cannot evaluate, with warning W007')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'driftwatch;checks;explain' {
            [CompletionResult]::new('--checks', '--checks', [CompletionResultType]::ParameterName, 'More check files from this directory (repeatable)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./driftwatch.toml when present)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--sigma-skip-unsupported', '--sigma-skip-unsupported', [CompletionResultType]::ParameterName, 'Skip Sigma rules driftwatch cannot evaluate, with warning W007')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'driftwatch;checks;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every check with its id, severity and risk')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Print a check''s rationale, remediation, references and expression')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'driftwatch;checks;help;list' {
            break
        }
        'driftwatch;checks;help;explain' {
            break
        }
        'driftwatch;checks;help;help' {
            break
        }
        'driftwatch;diff' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format; default: table on a terminal, JSON otherwise')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report here (atomically) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report here (atomically) instead of stdout')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Columns the table fills (default: the terminal''s width, or 100 when stdout is a pipe or file; at least 60)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./driftwatch.toml when present)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'driftwatch;baseline' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Write the account''s current state as its baseline')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Accept changes and findings: by id (pinned to their current content and evidence), or the whole current state')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Summarize a baseline and its approvals')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'driftwatch;baseline;save' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config files')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Regions to scan for regional services (repeatable or comma-separated); default: the baseline''s regions, else every enabled region')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Maximum API requests in flight')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one API operation may take, retries included: an endpoint that accepts connections and never answers ends the run, not hangs it')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per API call (the SDK''s adaptive retry mode: backoff, and a client-side rate that slows down when AWS throttles)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Client-side request rate for one service, in every region it is read in: `ec2=20` (per second; a burst of twice that) or `ec2=20/100`; repeatable; `off` lifts every limit. The defaults stay well below AWS''s published quotas (README, "Performance")')
            [CompletionResult]::new('--accounts', '--accounts', [CompletionResultType]::ParameterName, 'Accounts to read: 12-digit ids (comma-separated), or `org` for every active account of the organization (Organizations ListAccounts, from the management or a delegated administrator account)')
            [CompletionResult]::new('--ou', '--ou', [CompletionResultType]::ParameterName, 'With `--accounts org`: only the accounts under this organizational unit, nested ones included (repeatable)')
            [CompletionResult]::new('--role-name', '--role-name', [CompletionResultType]::ParameterName, 'The role to assume in each account (the account the credentials are for is read with them directly)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External id the role''s trust policy asks for')
            [CompletionResult]::new('--parallel-accounts', '--parallel-accounts', [CompletionResultType]::ParameterName, 'Accounts read at once; each has its own --concurrency and rate limits, as each has its own API quotas')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Take the state from this snapshot file instead of reading the account')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write (default: baselines/<account-id>.json; .gz compresses); with --accounts, a directory for every account''s')
            [CompletionResult]::new('--checks', '--checks', [CompletionResultType]::ParameterName, 'More check files (*.toml) from this directory (repeatable): their findings are accepted as known too')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./driftwatch.toml when present)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace a baseline that holds approvals (they are lost)')
            [CompletionResult]::new('--no-checks', '--no-checks', [CompletionResultType]::ParameterName, 'Record no findings as known: every finding of the next scan is new')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'driftwatch;baseline;approve' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why these changes are acceptable (kept in the baseline)')
            [CompletionResult]::new('--expires', '--expires', [CompletionResultType]::ParameterName, 'Until when (YYYY-MM-DD, end of that day UTC, or RFC 3339); the change re-opens after')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Who approves (default: the AWS caller identity, or $USER with --snapshot)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config files')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Regions to scan for regional services (repeatable or comma-separated); default: the baseline''s regions, else every enabled region')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every request to this endpoint (also read from AWS_ENDPOINT_URL); S3 then uses path-style')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Maximum API requests in flight')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one API operation may take, retries included: an endpoint that accepts connections and never answers ends the run, not hangs it')
            [CompletionResult]::new('--attempt-timeout', '--attempt-timeout', [CompletionResultType]::ParameterName, 'Seconds one HTTP attempt may take')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per API call (the SDK''s adaptive retry mode: backoff, and a client-side rate that slows down when AWS throttles)')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Client-side request rate for one service, in every region it is read in: `ec2=20` (per second; a burst of twice that) or `ec2=20/100`; repeatable; `off` lifts every limit. The defaults stay well below AWS''s published quotas (README, "Performance")')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Current state from this snapshot file instead of reading the account')
            [CompletionResult]::new('--from-report', '--from-report', [CompletionResultType]::ParameterName, 'Approve changes as a saved JSON scan report lists them (no AWS access)')
            [CompletionResult]::new('--accounts', '--accounts', [CompletionResultType]::ParameterName, 'Accounts to read: 12-digit ids (comma-separated), or `org` for every active account of the organization (Organizations ListAccounts, from the management or a delegated administrator account)')
            [CompletionResult]::new('--ou', '--ou', [CompletionResultType]::ParameterName, 'With `--accounts org`: only the accounts under this organizational unit, nested ones included (repeatable)')
            [CompletionResult]::new('--role-name', '--role-name', [CompletionResultType]::ParameterName, 'The role to assume in each account (the account the credentials are for is read with them directly)')
            [CompletionResult]::new('--external-id', '--external-id', [CompletionResultType]::ParameterName, 'External id the role''s trust policy asks for')
            [CompletionResult]::new('--parallel-accounts', '--parallel-accounts', [CompletionResultType]::ParameterName, 'Accounts read at once; each has its own --concurrency and rate limits, as each has its own API quotas')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Baseline to update (default: baselines/<account-id>.json)')
            [CompletionResult]::new('--checks', '--checks', [CompletionResultType]::ParameterName, 'More check files (*.toml) from this directory (repeatable): their findings are accepted as known too')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./driftwatch.toml when present)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Accept the whole current state as the new baseline')
            [CompletionResult]::new('--no-checks', '--no-checks', [CompletionResultType]::ParameterName, 'Record no findings as known: every finding of the next scan is new')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'driftwatch;baseline;show' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Output as JSON instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'driftwatch;baseline;help' {
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Write the account''s current state as its baseline')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Accept changes and findings: by id (pinned to their current content and evidence), or the whole current state')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Summarize a baseline and its approvals')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'driftwatch;baseline;help;save' {
            break
        }
        'driftwatch;baseline;help;approve' {
            break
        }
        'driftwatch;baseline;help;show' {
            break
        }
        'driftwatch;baseline;help;help' {
            break
        }
        'driftwatch;merge' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format; default: table on a terminal, JSON otherwise')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report here (atomically) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report here (atomically) instead of stdout')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Columns the table fills (default: the terminal''s width, or 100)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'driftwatch;demo' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write the demo bundle (baseline, current snapshot, CloudTrail logs, driftwatch.toml) under DIR instead, to run `driftwatch scan` on it by hand')
            [CompletionResult]::new('--checks', '--checks', [CompletionResultType]::ParameterName, 'More check files (*.toml, and Sigma rules *.yml) from this directory (repeatable)')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Unsuppressed findings at or above this severity make the exit code 1; `none` reports findings without failing (unauthorized changes still do)')
            [CompletionResult]::new('--notify', '--notify', [CompletionResultType]::ParameterName, 'Post alerts here (repeatable): a Slack incoming webhook gets a Slack message, any other https URL the JSON report; `slack:URL` forces Slack. Also `[notify] urls` in the config. URLs are never printed')
            [CompletionResult]::new('--notify-on', '--notify-on', [CompletionResultType]::ParameterName, 'What warrants an alert: unauthorized or transient changes, failing findings, or both')
            [CompletionResult]::new('--notify-timeout', '--notify-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for each delivery attempt (3 attempts, with backoff)')
            [CompletionResult]::new('--notify-state', '--notify-state', [CompletionResultType]::ParameterName, 'Remember what was sent here (default: beside the baseline, `baselines/ACCOUNT.alerts.json`); an item is sent again when it changes or after --realert hours')
            [CompletionResult]::new('--realert', '--realert', [CompletionResultType]::ParameterName, 'Hours before an item already sent is sent again (default 24)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Report format; default: table on a terminal, JSON otherwise')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the report here (atomically) instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the report here (atomically) instead of stdout')
            [CompletionResult]::new('--width', '--width', [CompletionResultType]::ParameterName, 'Columns the table fills (default: the terminal''s width, or 100 when stdout is a pipe or file; at least 60)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (default: ./driftwatch.toml when present)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--show-approved', '--show-approved', [CompletionResultType]::ParameterName, 'List approved changes too (by default they are counted, not listed)')
            [CompletionResult]::new('--fail-on-known', '--fail-on-known', [CompletionResultType]::ParameterName, 'Known findings (accepted with the baseline, exactly as they were) fail the run too; by default only new and updated ones do')
            [CompletionResult]::new('--no-checks', '--no-checks', [CompletionResultType]::ParameterName, 'Do not run posture checks')
            [CompletionResult]::new('--sigma-skip-unsupported', '--sigma-skip-unsupported', [CompletionResultType]::ParameterName, 'Skip Sigma rules driftwatch cannot evaluate, with warning W007, instead of refusing them')
            [CompletionResult]::new('--notify-all', '--notify-all', [CompletionResultType]::ParameterName, 'Send every run''s alert in full, remembering nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'driftwatch;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour on stderr: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bars or summaries on stderr (for cron); errors still print')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v info, -vv debug)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'driftwatch;help' {
            [CompletionResult]::new('snapshot', 'snapshot', [CompletionResultType]::ParameterValue, 'Read the account and write a JSON snapshot of its state')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Compare the account with its baseline and report unauthorized change')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Run the posture checks alone on the account or a snapshot file')
            [CompletionResult]::new('checks', 'checks', [CompletionResultType]::ParameterValue, 'List and explain the posture checks')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two snapshot or baseline files (no AWS access needed)')
            [CompletionResult]::new('baseline', 'baseline', [CompletionResultType]::ParameterValue, 'Save, approve and inspect baselines')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Combine JSON reports of several runs (shards of an organization) into one')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Run the whole pipeline on a bundled demo account (no AWS needed)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'driftwatch;help;snapshot' {
            break
        }
        'driftwatch;help;scan' {
            break
        }
        'driftwatch;help;check' {
            break
        }
        'driftwatch;help;checks' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every check with its id, severity and risk')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Print a check''s rationale, remediation, references and expression')
            break
        }
        'driftwatch;help;checks;list' {
            break
        }
        'driftwatch;help;checks;explain' {
            break
        }
        'driftwatch;help;diff' {
            break
        }
        'driftwatch;help;baseline' {
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Write the account''s current state as its baseline')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Accept changes and findings: by id (pinned to their current content and evidence), or the whole current state')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Summarize a baseline and its approvals')
            break
        }
        'driftwatch;help;baseline;save' {
            break
        }
        'driftwatch;help;baseline;approve' {
            break
        }
        'driftwatch;help;baseline;show' {
            break
        }
        'driftwatch;help;merge' {
            break
        }
        'driftwatch;help;demo' {
            break
        }
        'driftwatch;help;completions' {
            break
        }
        'driftwatch;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
