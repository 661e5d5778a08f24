BeforeDiscovery {
    $manifest = Import-PowerShellDataFile "$PSScriptRoot/../FlakeTools.psd1"
    $commands = $manifest.CmdletsToExport
    # Each cmdlet that writes, run with -WhatIf on a real flake so that it reaches ShouldProcess.
    $whatIfCases = @(
        @{ Command = 'Add-FlakeInput'; Expect = "Add input 'elgato'"; Run = { param($d) Add-FlakeInput -Path $d elgato github:waxlamp/elgato/flakes -Follows @{ nixpkgs = 'nixpkgs' } -WhatIf -ErrorAction Stop } }
        @{ Command = 'Set-FlakeInput'; Expect = "Set input 'hyprland'"; Run = { param($d) Set-FlakeInput -Path $d hyprland -Ref v0.42.0 -Follows @{ nixpkgs = 'nixpkgs' } -WhatIf -ErrorAction Stop } }
        @{ Command = 'Remove-FlakeInput'; Expect = "Remove input 'wallpapers'"; Run = { param($d) Remove-FlakeInput -Path $d wallpapers -WhatIf -ErrorAction Stop } }
        @{ Command = 'Optimize-FlakeInput'; Expect = 'Add follows: waybar.inputs.nixpkgs.follows'; Run = { param($d) Optimize-FlakeInput -Path $d -WhatIf -ErrorAction Stop } }
        @{ Command = 'Update-FlakeInput'; Expect = 'nix flake'; NeedsNix = $true; Run = { param($d) Update-FlakeInput -Path $d dep -Ref master -WhatIf -ErrorAction Stop } }
        # A registry file beside the flake (Prepare writes it before the bytes are taken).
        @{ Command = 'Add-FlakeRegistryEntry'; Expect = "Add registry entry 'nixpkgs'"; Prepare = { param($d) Set-Content -LiteralPath (Join-Path $d 'registry.json') -Value '{"version":2,"flakes":[{"from":{"type":"indirect","id":"dotfiles"},"to":{"type":"path","path":"/srv/dotfiles"}}]}' }; Run = { param($d) Add-FlakeRegistryEntry -RegistryPath (Join-Path $d 'registry.json') nixpkgs github:NixOS/nixpkgs/nixos-24.05 -WhatIf -ErrorAction Stop } }
        @{ Command = 'Test-Flake'; Expect = 'Add follows: waybar.inputs.nixpkgs.follows'; Run = { param($d) Test-Flake -Path $d -Fix -WhatIf -ErrorAction Stop } }
        @{ Command = 'Remove-FlakeRegistryEntry'; Expect = 'Remove registry entry flake:dotfiles'; Prepare = { param($d) Set-Content -LiteralPath (Join-Path $d 'registry.json') -Value '{"version":2,"flakes":[{"from":{"type":"indirect","id":"dotfiles"},"to":{"type":"path","path":"/srv/dotfiles"}}]}' }; Run = { param($d) Remove-FlakeRegistryEntry -RegistryPath (Join-Path $d 'registry.json') dotfiles -WhatIf -ErrorAction Stop } }
        @{ Command = 'Set-NixUnfreeConfig'; Expect = 'Set unfree: desktop: nixpkgs.config.allowUnfree = true'; Run = { param($d) Set-NixUnfreeConfig -Path $d -Configuration desktop -AllowUnfree -WhatIf -ErrorAction Stop } }
    )
}

BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    $manifest = Import-PowerShellDataFile "$PSScriptRoot/../FlakeTools.psd1"
}

Describe 'The module' {
    It 'exports exactly the cmdlets its manifest lists, without wildcards' {
        $manifest.CmdletsToExport | Should -Not -Contain '*'
        (Get-Module FlakeTools).ExportedCmdlets.Keys | Sort-Object | Should -Be ($manifest.CmdletsToExport | Sort-Object)
        $manifest.CompatiblePSEditions | Should -Be 'Core'
        $manifest.PowerShellVersion | Should -Be '7.4'
    }

    It '<_> uses an approved verb' -ForEach $commands {
        (Get-Verb).Verb | Should -Contain ($_ -split '-')[0]
    }

    It '<_> has PlatyPS markdown in docs/' -ForEach $commands {
        "$PSScriptRoot/../docs/$_.md" | Should -Exist
        Get-Content "$PSScriptRoot/../docs/$_.md" -Raw | Should -Not -Match '\{\{'
    }

    It '<_> has a synopsis, examples and a description of every parameter in Get-Help' -ForEach $commands {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$_ "
        @($help.examples.example).Count | Should -BeGreaterThan 0
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($parameter in (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common }) {
            ($help.parameters.parameter | Where-Object name -eq $parameter).description.Text | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }

    It '<Command> writes only objects of the types its OutputType declares' -ForEach @(
        @{ Command = 'Get-FlakeInput'; Run = { param($d) Get-FlakeInput -Path $d } }
        @{ Command = 'Get-FlakeLock'; Run = { param($d) Get-FlakeLock -Path $d } }
        @{ Command = 'Get-FlakeLockEntry'; Run = { param($d) Get-FlakeLockEntry -Path $d -Recurse } }
        @{ Command = 'Test-FlakeLock'; Run = { param($d) Test-FlakeLock -Path $d -MaxAge 1d; Test-FlakeLock -Path $d -Quiet } }
        @{ Command = 'Compare-FlakeLock'; Run = { param($d) $old = Join-Path $TestDrive 'types-old.lock'; (Get-Content -Raw (Join-Path $d 'flake.lock')) -replace '"rev": "[0-9a-f]{40}"', ('"rev": "' + ('c' * 40) + '"') | Set-Content -LiteralPath $old -NoNewline; Compare-FlakeLock $old $d } }
        @{ Command = 'Optimize-FlakeInput'; Run = { param($d) Optimize-FlakeInput -Path $d -Confirm:$false -WarningAction SilentlyContinue } }
        @{ Command = 'Set-FlakeInput'; Run = { param($d) Set-FlakeInput -Path $d hyprland -Ref v0.42.0 -PassThru } }
        @{ Command = 'Add-FlakeInput'; Run = { param($d) Add-FlakeInput -Path $d elgato github:waxlamp/elgato -PassThru } }
        @{ Command = 'Test-Flake'; Run = { param($d) Test-Flake -Path $d; Test-Flake -Path $d -Quiet } }
    ) {
        Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force
        $directory = New-TestFlake desktop -Destination (Join-Path $TestDrive "types-$Command")
        $declared = (Get-Command $Command).OutputType.Type
        $output = @(& $Run $directory)
        $output.Count | Should -BeGreaterThan 0
        foreach ($item in $output) { $declared | Should -Contain $item.GetType() }
    }

    It 'has a -WhatIf case below for every cmdlet that writes' -ForEach @(@{ Listed = $whatIfCases.Command }) {
        $writing = Get-Command -Module FlakeTools | Where-Object { $_.Parameters.ContainsKey('WhatIf') } | ForEach-Object Name | Sort-Object
        $writing | Should -Be ($Listed | Sort-Object)
    }

    It '<Command> -WhatIf says what it would do and leaves every byte as it was' -ForEach $whatIfCases {
        if ($NeedsNix -and -not (Get-Command nix -ErrorAction Ignore)) { Set-ItResult -Skipped -Because 'nix is not installed: Update-FlakeInput needs it to get as far as ShouldProcess'; return }
        Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force
        $directory = if ($NeedsNix) { $null = Initialize-Nix; New-NixScenario } else { New-TestFlake desktop -Destination (Join-Path $TestDrive "whatif-$Command") }
        if ($Prepare) { & $Prepare $directory }
        $files = Get-ChildItem -LiteralPath $directory -File -Recurse
        $before = $files | ForEach-Object { "$($_.FullName)=$(Get-FileBytesHash $_.FullName)" }
        $stamps = $files | ForEach-Object { $_.LastWriteTimeUtc }
        $transcript = Join-Path $TestDrive "whatif-$Command.txt"
        Start-Transcript -LiteralPath $transcript -UseMinimalHeader | Out-Null
        try { & $Run $directory } finally { Stop-Transcript | Out-Null }
        # It got as far as ShouldProcess (so the test could see a write), and wrote nothing.
        Get-Content -LiteralPath $transcript -Raw | Should -Match ('What if: .*' + [regex]::Escape($Expect))
        $after = Get-ChildItem -LiteralPath $directory -File -Recurse
        $after | ForEach-Object { "$($_.FullName)=$(Get-FileBytesHash $_.FullName)" } | Should -Be $before
        $after | ForEach-Object { $_.LastWriteTimeUtc } | Should -Be $stamps
    }
}
