# A throw-away OpenSSH server on the loopback address with PowerShell's SSH subsystem, for the
# remoting tests (tests/Remoting.Tests.ps1). Everything it needs lives in one temporary folder:
# its own config, host key, client key and authorized key; it listens on 127.0.0.1 only, takes
# the current user's key and nothing else, and runs in the foreground (sshd -D) as a child of
# this process so that Stop-TestSshServer can end it, and its sessions, by its process id.

<#
.SYNOPSIS
    The command line of the pwsh running this script, for sshd's `Subsystem powershell` line:
    a pwsh launched by the dotnet host (a dotnet tool) runs as `dotnet <pwsh.dll>`.
#>
function Get-PwshCommandLine {
    $process = [Environment]::ProcessPath
    $command = if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { "$process $([Environment]::GetCommandLineArgs()[0])" } else { $process }
    # sshd starts the subsystem with a bare environment: an apphost needs to be told where .NET is.
    if ($env:DOTNET_ROOT) { $command = "/usr/bin/env DOTNET_ROOT=$env:DOTNET_ROOT $command" }
    $command
}

function Get-FreeLoopbackPort {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    try { $listener.Start(); $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Test-TcpPort([int] $Port) {
    $client = [Net.Sockets.TcpClient]::new()
    try { $client.ConnectAsync('127.0.0.1', $Port).Wait(500) -and $client.Connected } catch { $false } finally { $client.Dispose() }
}

<#
.SYNOPSIS
    Starts sshd on a free port of 127.0.0.1. Returns the server (Port, UserName, KeyFilePath,
    Options for Invoke-Command/New-PSSession, Process, Directory), or a string that says why it
    could not be started. Gives up after -TimeoutSeconds.
#>
function Start-TestSshServer {
    param([int] $TimeoutSeconds = 20)
    $sshd = @('/usr/sbin/sshd', (Get-Command sshd -CommandType Application -ErrorAction Ignore).Source) | Where-Object { $_ -and (Test-Path $_) } | Select-Object -First 1
    if (-not $sshd) { return 'sshd is not installed (Debian: apt-get install -y openssh-server)' }
    foreach ($tool in 'ssh', 'ssh-keygen') {
        if (-not (Get-Command $tool -CommandType Application -ErrorAction Ignore)) { return "$tool is not installed (Debian: apt-get install -y openssh-client)" }
    }
    $user = [Environment]::UserName
    $isRoot = (& id -u) -eq '0'
    # sshd started by root insists on its privilege-separation directory, which the service
    # (not installed as one here) would create at boot.
    if ($isRoot -and -not (Test-Path /run/sshd)) { $null = New-Item -ItemType Directory -Path /run/sshd; chmod 0755 /run/sshd }

    $directory = Join-Path ([IO.Path]::GetTempPath()) "flaketools-sshd-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $null = New-Item -ItemType Directory -Path $directory
    chmod 0700 $directory
    $hostKey = Join-Path $directory 'host_ed25519'
    $clientKey = Join-Path $directory 'id_ed25519'
    & ssh-keygen -q -t ed25519 -N '' -C flaketools-test-host -f $hostKey 2>&1 | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -C flaketools-test-client -f $clientKey 2>&1 | Out-Null
    if (-not (Test-Path $hostKey) -or -not (Test-Path $clientKey)) {
        Remove-Item $directory -Recurse -Force
        return 'ssh-keygen could not make the keys'
    }
    Copy-Item "$clientKey.pub" (Join-Path $directory 'authorized_keys')
    chmod 0600 (Join-Path $directory 'authorized_keys')

    $reason = $null
    # A port found free can be taken before sshd binds it: try a few.
    foreach ($attempt in 1..3) {
        $port = Get-FreeLoopbackPort
        $config = Join-Path $directory 'sshd_config'
        @(
            "Port $port"
            'ListenAddress 127.0.0.1'
            "HostKey $hostKey"
            "PidFile $(Join-Path $directory 'sshd.pid')"
            "AuthorizedKeysFile $(Join-Path $directory 'authorized_keys')"
            "AllowUsers $user"
            $(if ($isRoot) { 'PermitRootLogin prohibit-password' })
            'PubkeyAuthentication yes'
            'PasswordAuthentication no'
            'KbdInteractiveAuthentication no'
            'UsePAM no'
            # The keys live in a temporary folder, under /tmp's sticky, world-writable mode.
            'StrictModes no'
            'X11Forwarding no'
            'AllowTcpForwarding no'
            'AllowAgentForwarding no'
            'PermitTTY no'
            'LoginGraceTime 30'
            "Subsystem powershell $(Get-PwshCommandLine) -sshs -NoLogo"
        ) | Where-Object { $_ } | Set-Content -LiteralPath $config
        $log = Join-Path $directory "sshd-$attempt.log"
        $process = Start-Process -FilePath $sshd -ArgumentList '-D', '-e', '-f', $config -RedirectStandardError $log -RedirectStandardOutput (Join-Path $directory "sshd-$attempt.out") -PassThru
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while (-not $process.HasExited -and -not (Test-TcpPort $port) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        if (-not $process.HasExited -and (Test-TcpPort $port)) {
            $knownHosts = Join-Path $directory 'known_hosts'
            $hostPublic = (Get-Content "$hostKey.pub" -Raw).Trim()
            Set-Content -LiteralPath $knownHosts -Value "[localhost]:$port $hostPublic", "[127.0.0.1]:$port $hostPublic"
            return [pscustomobject]@{
                Port        = $port
                UserName    = $user
                KeyFilePath = $clientKey
                # Only this server's key is trusted, nothing asks, and nothing waits long.
                Options     = @{ UserKnownHostsFile = $knownHosts; StrictHostKeyChecking = 'yes'; BatchMode = 'yes'; ConnectTimeout = '10'; AddressFamily = 'inet'; IdentitiesOnly = 'yes' }
                Process     = $process
                Directory   = $directory
            }
        }
        $logText = if (Test-Path $log) { (Get-Content $log -Raw) } else { '' }
        if (-not $process.HasExited) { $process.Kill($true); $null = $process.WaitForExit(5000) }
        $reason = "sshd did not start listening on 127.0.0.1:$port within $TimeoutSeconds s: $($logText.Trim())"
        if ($logText -notmatch 'Address already in use') { break }
    }
    Remove-Item $directory -Recurse -Force -ErrorAction SilentlyContinue
    $reason
}

<# Ends the server and the sessions it started, and removes its folder. #>
function Stop-TestSshServer {
    param($Server)
    if ($Server -isnot [pscustomobject]) { return }
    if (-not $Server.Process.HasExited) {
        $Server.Process.Kill($true)
        $null = $Server.Process.WaitForExit(10000)
    }
    Remove-Item -LiteralPath $Server.Directory -Recurse -Force -ErrorAction SilentlyContinue
}

Export-ModuleMember -Function Start-TestSshServer, Stop-TestSshServer, Get-PwshCommandLine
