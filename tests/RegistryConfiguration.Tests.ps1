# nix.registry declared in NixOS / home-manager configurations, through the registry cmdlets.
BeforeDiscovery {
    $HasNix = [bool](Get-Command nix -ErrorAction Ignore)
}

BeforeAll {
    Import-Module "$PSScriptRoot/../FlakeTools.psd1" -Force
    Import-Module "$PSScriptRoot/TestUtilities.psm1" -Force
    $script:HasNix = [bool](Get-Command nix -ErrorAction Ignore)
    $script:Saved = @{}
    foreach ($name in 'XDG_CONFIG_HOME', 'NIX_CONF_DIR', 'NIX_CONFIG') { $script:Saved[$name] = [Environment]::GetEnvironmentVariable($name) }

    function script:Get-WhatIfText {
        param([scriptblock] $Script)
        $transcript = Join-Path $TestDrive "whatif-$([guid]::NewGuid().ToString('N')).txt"
        Start-Transcript -LiteralPath $transcript -UseMinimalHeader | Out-Null
        try { & $Script } finally { Stop-Transcript | Out-Null }
        Get-Content -LiteralPath $transcript -Raw
    }

    function script:Assert-NixParses([string] $Path) {
        if (-not $script:HasNix) { return }
        $output = nix-instantiate --parse $Path 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
    }

    # A NixOS flake whose inputs reach configuration.nix through specialArgs, with every input
    # registered at once by the mapAttrs idiom in registry.nix.
    function script:New-IdiomFlake {
        $path = Join-Path $TestDrive ("idiom-" + [guid]::NewGuid().ToString('N').Substring(0, 6))
        $null = New-Item -ItemType Directory -Path $path
        Set-Content -LiteralPath "$path/flake.nix" -NoNewline -Value @'
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
  inputs.tools.url = "github:example/tools";
  outputs = { nixpkgs, ... }@inputs: {
    nixosConfigurations.box = nixpkgs.lib.nixosSystem {
      specialArgs = { inherit inputs; };
      modules = [ ./configuration.nix ./registry.nix ];
    };
  };
}
'@
        Set-Content -LiteralPath "$path/configuration.nix" -NoNewline -Value "{ pkgs, ... }:`n{`n  networking.hostName = `"box`";`n}`n"
        Set-Content -LiteralPath "$path/registry.nix" -NoNewline -Value "{ lib, inputs, ... }:`n{`n  nix.registry = lib.mapAttrs (_: flake: { inherit flake; }) inputs;`n}`n"
        $path
    }
}

AfterAll {
    foreach ($pair in $script:Saved.GetEnumerator()) {
        if ($null -eq $pair.Value) { Remove-Item "Env:$($pair.Key)" -ErrorAction Ignore } else { Set-Item "Env:$($pair.Key)" -Value $pair.Value }
    }
}

Describe 'Get-FlakeRegistryEntry -Path' {
    It 'lists the nix.registry declarations of kahless with their .nix lines' {
        $kahless = New-TestFlake kahless
        $entries = @(Get-FlakeRegistryEntry -Path $kahless)
        $entries.Name | Should -Be 'nixpkgs', 'nixpkgs-unstable', 'elgato'
        $entries.Scope | Sort-Object -Unique | Should -Be 'Configuration'
        $entries.Line | Should -Be 34, 35, 36
        $entries.Source | Sort-Object -Unique | Should -Be (Join-Path $kahless 'flake.nix')
        $entries[2].Url | Should -Be 'github:waxlamp/elgato/flakes'
        $entries[2].Origin.Input | Should -Be 'elgato'
        $entries | ForEach-Object IsReadOnly | Should -Not -Contain $true  # (an array has an IsReadOnly of its own)
        @(Get-FlakeRegistryEntry elgato -Scope Configuration -Path (Join-Path $kahless 'flake.nix')).Line | Should -Be 36
    }

    It 'reads only the declarations of one .nix file when -Path names it, and none of a flake without them' {
        $path = New-IdiomFlake
        @(Get-FlakeRegistryEntry -Path (Join-Path $path 'configuration.nix')).Count | Should -Be 0
        $covered = @(Get-FlakeRegistryEntry -Path (Join-Path $path 'registry.nix'))
        $covered.Name | Should -Be 'nixpkgs', 'self', 'tools'
        $covered.Line | Sort-Object -Unique | Should -Be 3
        $covered | ForEach-Object IsReadOnly | Sort-Object -Unique | Should -Be $true
        @(Get-FlakeRegistryEntry -Path (New-TestFlake hostname)).Count | Should -Be 0
    }

    It 'says which name is missing' {
        $kahless = New-TestFlake kahless
        Get-FlakeRegistryEntry ghost -Path $kahless -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'RegistryEntryNotFound,FlakeTools.Commands.GetFlakeRegistryEntryCommand'
        $err[0].Exception.Message | Should -Match 'elgato'
    }
}

Describe 'Add-FlakeRegistryEntry -Path' {
    It 'shows the line with -WhatIf and writes nothing' {
        $kahless = New-TestFlake kahless
        $hash = Get-FileBytesHash (Join-Path $kahless 'flake.nix')
        $text = Get-WhatIfText { Add-FlakeRegistryEntry hm -Input home-manager -Path $kahless -WhatIf }
        $text | Should -Match ([regex]::Escape('+           nix.registry.hm.flake = home-manager;'))
        Get-FileBytesHash (Join-Path $kahless 'flake.nix') | Should -Be $hash
    }

    It 'writes the .flake line next to the declarations there, and reads it back' {
        $kahless = New-TestFlake kahless
        $before = Get-Content -LiteralPath (Join-Path $kahless 'flake.nix') -Raw
        $entry = Add-FlakeRegistryEntry hm -Input home-manager -Path $kahless -PassThru
        $entry.Name | Should -Be 'hm'
        $entry.Line | Should -Be 37
        $after = Get-Content -LiteralPath (Join-Path $kahless 'flake.nix') -Raw
        $after | Should -BeExactly ($before.Replace("          nix.registry.elgato.flake = elgato;`n", "          nix.registry.elgato.flake = elgato;`n          nix.registry.hm.flake = home-manager;`n"))
        Assert-NixParses (Join-Path $kahless 'flake.nix')
        (Get-FlakeRegistryEntry -Path $kahless).Name | Should -Be 'nixpkgs', 'nixpkgs-unstable', 'elgato', 'hm'
        # Once more: nothing changes.
        Add-FlakeRegistryEntry hm -Input home-manager -Path $kahless
        Get-Content -LiteralPath (Join-Path $kahless 'flake.nix') -Raw | Should -BeExactly $after
    }

    It 'adds a line and the inputs argument to the module that receives the inputs when nothing declares one' {
        $hostname = New-TestFlake hostname
        Add-FlakeRegistryEntry nixpkgs -Input nixpkgs -Path $hostname
        $text = Get-Content -LiteralPath (Join-Path $hostname 'configuration.nix') -Raw
        $text | Should -Match ([regex]::Escape("  system.stateVersion = `"23.05`";`n  nix.registry.nixpkgs.flake = inputs.nixpkgs;`n}"))
        Assert-NixParses (Join-Path $hostname 'configuration.nix')
    }

    It 'refuses an input the flake does not declare, and a name the mapAttrs idiom registers already' {
        $hostname = New-TestFlake hostname
        Add-FlakeRegistryEntry elgato -Input elgato -Path $hostname -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'RegistryInputNotDeclared,FlakeTools.Commands.AddFlakeRegistryEntryCommand'
        $err[0].TargetObject | Should -Be 'elgato'
        $err[0].Exception.Message | Should -Match 'Add-FlakeInput elgato'

        $path = New-IdiomFlake
        Add-FlakeRegistryEntry tools -Input nixpkgs -Path $path -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'RegistryDeclarationCovered,FlakeTools.Commands.AddFlakeRegistryEntryCommand'
        $err[0].Exception.Message | Should -Match ([regex]::Escape("registry.nix:3"))
    }
}

Describe 'Remove-FlakeRegistryEntry of declarations' {
    It 'removes a piped declaration''s line, and shows it with -WhatIf first' {
        $kahless = New-TestFlake kahless
        $file = Join-Path $kahless 'flake.nix'
        $before = Get-Content -LiteralPath $file -Raw
        $text = Get-WhatIfText { Get-FlakeRegistryEntry elgato -Path $kahless | Remove-FlakeRegistryEntry -WhatIf }
        $text | Should -Match ([regex]::Escape('-           nix.registry.elgato.flake = elgato;'))
        Get-Content -LiteralPath $file -Raw | Should -BeExactly $before
        Get-FlakeRegistryEntry elgato -Path $kahless | Remove-FlakeRegistryEntry -Confirm:$false
        Get-Content -LiteralPath $file -Raw | Should -BeExactly ($before.Replace("          nix.registry.elgato.flake = elgato;`n", ''))
        Assert-NixParses $file
        Remove-FlakeRegistryEntry nixpkgs* -Path $kahless -Confirm:$false
        @(Get-FlakeRegistryEntry -Path $kahless).Count | Should -Be 0
        Assert-NixParses $file
    }

    It 'refuses an entry the mapAttrs idiom declares, naming the line to edit' {
        $path = New-IdiomFlake
        $hash = Get-FileBytesHash (Join-Path $path 'registry.nix')
        Get-FlakeRegistryEntry tools -Path $path | Remove-FlakeRegistryEntry -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'RegistryDeclarationCovered,FlakeTools.Commands.RemoveFlakeRegistryEntryCommand'
        $err[0].Exception.Message | Should -Match ([regex]::Escape('lib.mapAttrs (_: flake: { inherit flake; }) inputs'))
        $err[0].Exception.Message | Should -Match ([regex]::Escape('registry.nix:3'))
        Get-FileBytesHash (Join-Path $path 'registry.nix') | Should -Be $hash
    }

    It 'refuses the system registry when it is a link into /nix/store, with the .nix line that generates the entry' -Skip:(-not $HasNix) {
        $kahless = New-TestFlake kahless
        $root = Join-Path $TestDrive ('sys-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        $null = New-Item -ItemType Directory -Force -Path "$root/etc-nix", "$root/config"
        $generated = Join-Path $root 'generated.json'
        Set-Content -LiteralPath $generated -Value '{"version":2,"flakes":[{"from":{"type":"indirect","id":"elgato"},"to":{"type":"path","path":"/nix/store/00000000000000000000000000000000-source"},"exact":true}]}'
        $storePath = nix-store --add $generated
        $null = New-Item -ItemType SymbolicLink -Path "$root/etc-nix/registry.json" -Target $storePath
        Set-Content -LiteralPath "$root/global.json" -Value '{"version":2,"flakes":[]}'
        $env:XDG_CONFIG_HOME = "$root/config"
        $env:NIX_CONF_DIR = "$root/etc-nix"
        $env:NIX_CONFIG = "experimental-features = nix-command flakes`nflake-registry = $root/global.json"

        $entry = Get-FlakeRegistryEntry -Scope System -Path $kahless
        $entry.IsReadOnly | Should -BeTrue
        $entry.Origin.DeclaredAt | Should -Be "$(Join-Path $kahless 'flake.nix'):36"
        $entry | Remove-FlakeRegistryEntry -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'RegistryReadOnly,FlakeTools.Commands.RemoveFlakeRegistryEntryCommand'
        $err[0].Exception.Message | Should -Match ([regex]::Escape("flake.nix:36: ``nix.registry.elgato.flake = elgato;``"))
        $err[0].Exception.Message | Should -Match 'nixos-rebuild switch'
        Remove-FlakeRegistryEntry elgato -Scope System -Path $kahless -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].Exception.Message | Should -Match ([regex]::Escape('flake.nix:36'))
    }
}
