BeforeDiscovery {
    $manifest = Import-PowerShellDataFile "$PSScriptRoot/../FlakeTools.psd1"
    $commands = $manifest.CmdletsToExport
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

    It 'writes every edit only under ShouldProcess' {
        foreach ($command in Get-Command -Module FlakeTools -Verb Add, Set, Remove) {
            $command.Parameters.Keys | Should -Contain 'WhatIf'
        }
    }
}
