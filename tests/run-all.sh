#!/usr/bin/env bash
# Runs every test this machine can run, and says loudly what it could not run:
#   - the xunit suites (always), including the real-nix tests when `nix` is installed;
#   - the Pester suite (tests/*.Tests.ps1) when `pwsh` with Pester 5 is installed.
# Ends with one line: "tests: N passed, N failed, N skipped". Exit status 0 only if nothing failed.
set -uo pipefail
cd "$(dirname "$0")/.."
configuration=${CONFIGURATION:-Release}
passed=0 failed=0 skipped=0

banner() { printf '\n==== %s ====\n' "$*"; }

banner "build ($configuration)"
if ! dotnet build FlakeTools.sln -c "$configuration" --nologo -v quiet; then
  echo "tests: 0 passed, 1 failed (the build failed)"
  exit 1
fi

if command -v nix >/dev/null 2>&1 && command -v nix-instantiate >/dev/null 2>&1; then
  echo "nix: $(nix --version) (real-nix tests run)"
else
  banner "NIX NOT INSTALLED: the real-nix tests are SKIPPED (apt-get install -y nix-bin)"
fi

for project in tests/FlakeTools.Syntax.Tests tests/FlakeTools.Core.Tests; do
  banner "xunit: $project"
  output=$(dotnet test "$project" -c "$configuration" --no-build --nologo 2>&1)
  status=$?
  # Show failures and skips with their reasons, then the summary.
  printf '%s\n' "$output" | grep -E '^\s+(Failed|Skipped) |Error Message|^\s+at FlakeTools|Assert\.|Expected|Actual|(Passed|Failed)!' || true
  summary=$(printf '%s\n' "$output" | grep -E '(Passed|Failed)!' | tail -n 1)
  if [[ $summary =~ Failed:[[:space:]]+([0-9]+),[[:space:]]+Passed:[[:space:]]+([0-9]+),[[:space:]]+Skipped:[[:space:]]+([0-9]+) ]]; then
    failed=$((failed + BASH_REMATCH[1])); passed=$((passed + BASH_REMATCH[2])); skipped=$((skipped + BASH_REMATCH[3]))
  else
    printf '%s\n' "$output" | tail -n 30
    echo "could not read the result of $project"
    failed=$((failed + 1))
  fi
  if [[ $status -ne 0 && ! $summary =~ Failed: ]]; then failed=$((failed + 1)); fi
done

pester_ok=no
if command -v pwsh >/dev/null 2>&1; then
  if pwsh -NoProfile -NonInteractive -Command 'if (Get-Module -ListAvailable Pester | Where-Object { $_.Version -ge [version]"5.0" }) { exit 0 } else { exit 1 }' >/dev/null 2>&1; then
    pester_ok=yes
  else
    banner "PESTER SKIPPED: pwsh is installed but Pester 5 is not on its module path"
  fi
else
  banner "PESTER SKIPPED: pwsh is not installed, so the cmdlets' own tests (tests/*.Tests.ps1) did not run"
fi
if [[ $pester_ok == yes ]]; then
  if pwsh -NoProfile -NonInteractive -Command 'if (Get-Module -ListAvailable Microsoft.PowerShell.PlatyPS) { exit 0 } else { exit 1 }' >/dev/null 2>&1; then
    banner "help: ./build.ps1 Docs"
    pwsh -NoProfile -NonInteractive -File build.ps1 Docs || { echo "building the help failed"; failed=$((failed + 1)); }
  else
    banner "HELP NOT BUILT: Microsoft.PowerShell.PlatyPS is not installed, so the Get-Help checks are skipped"
  fi
  banner "pester: tests/*.Tests.ps1"
  output=$(pwsh -NoProfile -NonInteractive -File tests/Invoke-PesterTests.ps1 2>&1)
  status=$?
  printf '%s\n' "$output"
  line=$(printf '%s\n' "$output" | grep -E '^pester: [0-9]+ passed' | tail -n 1)
  if [[ $line =~ pester:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped ]]; then
    passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2])); skipped=$((skipped + BASH_REMATCH[3]))
  else
    echo "could not read the Pester result"
    failed=$((failed + 1))
  fi
  if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
fi

echo
echo "tests: $passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]
