using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using FlakeTools.Core.References;
using FlakeTools.Core.Registries;
using Xunit;

namespace FlakeTools.Tests.Registries;

public sealed class RegistryFileTests
{
    private static readonly RegistryLocation Here = RegistryLocation.ForFile(RegistryScope.User, "/nonexistent/flaketools/registry.json");

    private static RegistryInput Input(string reference) => RegistryInput.FromReference(FlakeReference.Parse(reference), "/", out _);

    [Theory]
    [InlineData("""{"type":"git","url":"git@github.com:o/r","lastModified":5}""", "git")]
    [InlineData("""{"type":"file","url":"https://example.org/notes","revCount":5}""", "file")]
    [InlineData("""{"type":"other","url":"x","lastModified":5}""", "other")]
    [InlineData("""{"type":"tarball","url":"https://example.org/x.tar.gz","lastModified":5}""", "tarball")]
    public void An_entrys_target_keeps_its_type_when_its_printed_url_reads_otherwise(string to, string type)
    {
        // A scp-like git url, a plain https file and an unknown type print as text the reference
        // parser reads as another type (a relative path, a tarball); the target stays what the file says.
        var file = RegistryFile.Parse("{\"version\":2,\"flakes\":[{\"from\":{\"type\":\"indirect\",\"id\":\"a\"},\"to\":" + to + "}]}", Here);
        var entry = Assert.Single(file.Entries);
        Assert.Equal(type, entry.To.Type);
        Assert.Equal(type, entry.ToInput.Type);
    }

    [Fact]
    public void Reads_entries_with_exact_dir_and_typed_values()
    {
        var file = RegistryFile.Parse("""
            {"version": 2, "flakes": [
              {"from": {"type": "indirect", "id": "nixpkgs"}, "to": {"type": "github", "owner": "NixOS", "repo": "nixpkgs", "ref": "nixos-24.05"}, "exact": true},
              {"from": {"type": "indirect", "id": "lib", "ref": "x"}, "to": {"type": "path", "path": "/src/lib", "lastModified": 1700000000, "dir": "sub"}}
            ]}
            """, Here);
        Assert.Empty(file.Problems);
        Assert.Equal(new[] { "nixpkgs", "lib" }, file.Entries.Select(e => e.Name));
        var first = file.Entries[0];
        Assert.True(first.Exact);
        Assert.Equal(RegistryScope.User, first.Scope);
        Assert.Equal("github:NixOS/nixpkgs/nixos-24.05", first.To.ToUrl());
        Assert.Equal("nixos-24.05", first.To.Ref);
        Assert.Equal(0, first.Index);
        Assert.Equal(Here.Path, first.Source);
        var second = file.Entries[1];
        Assert.False(second.Exact);
        Assert.Equal("sub", second.Dir);
        Assert.Equal(1700000000UL, second.ToInput.Attributes["lastModified"]);
        Assert.Equal("flake:lib/x", second.FromInput.ToNixUrl());
        Assert.Equal("path:/src/lib?dir=sub&lastModified=1700000000", second.ToInput.ToNixUrl(second.Dir));
        Assert.Equal("user   flake:lib/x path:/src/lib?dir=sub&lastModified=1700000000", second.ToNixListLine());
    }

    [Fact]
    public void Writes_sorted_keys_two_space_indent_and_no_final_newline_keeping_unknown_fields()
    {
        var file = RegistryFile.Parse("""{"version":2,"comment":"mine","flakes":[{"from":{"type":"indirect","id":"a"},"to":{"type":"path","path":"/a"},"note":"kept"}]}""", Here);
        var text = file.Add(Input("b"), Input("github:o/r"), null, exact: false).ToText();
        Assert.Equal("""
            {
              "comment": "mine",
              "flakes": [
                {
                  "from": {
                    "id": "a",
                    "type": "indirect"
                  },
                  "note": "kept",
                  "to": {
                    "path": "/a",
                    "type": "path"
                  }
                },
                {
                  "from": {
                    "id": "b",
                    "type": "indirect"
                  },
                  "to": {
                    "owner": "o",
                    "repo": "r",
                    "type": "github"
                  }
                }
              ],
              "version": 2
            }
            """.Replace("\r\n", "\n"), text);
    }

    [Fact]
    public void Add_replaces_entries_with_the_same_from_and_appends_like_nix_registry_add()
    {
        var file = RegistryFile.Parse("""{"version":2,"flakes":[{"from":{"type":"indirect","id":"a"},"to":{"type":"path","path":"/a"}},{"from":{"type":"indirect","id":"a","ref":"x"},"to":{"type":"path","path":"/ax"}},{"from":{"type":"indirect","id":"b"},"to":{"type":"path","path":"/b"}}]}""", Here);
        var after = file.Add(Input("a"), Input("path:/new"), null, exact: true);
        Assert.Equal(new[] { "flake:a/x", "flake:b", "flake:a" }, after.Entries.Select(e => e.FromInput.ToNixUrl()));
        Assert.True(after.Entries[2].Exact);
        Assert.Equal(new[] { 0, 1, 2 }, after.Entries.Select(e => e.Index!.Value));
        Assert.True(after.DiffersFromDisk);
    }

    [Fact]
    public void Adding_the_entry_that_is_already_there_changes_nothing()
    {
        var file = RegistryFile.Parse(RegistryFile.Parse("""{"version":2,"flakes":[]}""", Here).Add(Input("a"), Input("path:/a"), null, false).Add(Input("b"), Input("path:/b"), null, false).ToText(), Here);
        var same = file.Add(Input("a"), Input("path:/a"), null, false);
        Assert.Same(file, same);
        Assert.False(same.DiffersFromDisk);
        Assert.True(file.Add(Input("a"), Input("path:/a"), null, exact: true).DiffersFromDisk);
    }

    [Fact]
    public void Remove_takes_only_the_entries_whose_from_is_equal()
    {
        var file = RegistryFile.Parse("""{"version":2,"flakes":[{"from":{"type":"indirect","id":"a"},"to":{"type":"path","path":"/a"}},{"from":{"type":"indirect","id":"a","ref":"x"},"to":{"type":"path","path":"/ax"}}]}""", Here);
        Assert.Equal(new[] { "flake:a/x" }, file.Remove(Input("a")).Entries.Select(e => e.FromInput.ToNixUrl()));
        Assert.Equal(new[] { "flake:a" }, file.Remove(Input("a/x")).Entries.Select(e => e.FromInput.ToNixUrl()));
        Assert.Empty(file.RemoveAt(new[] { 0, 1 }).Entries);
    }

    [Fact]
    public void A_bad_entry_is_reported_with_its_index_nix_stops_there_and_a_write_keeps_it()
    {
        var file = RegistryFile.Parse("""{"version":2,"flakes":[{"from":{"type":"indirect","id":"a"},"to":{"type":"path","path":"/a"}},{"from":{"type":"indirect","id":"b"},"to":{"type":"github","owner":"o"}},{"from":{"type":"indirect","id":"c"},"to":{"type":"path","path":"/c","bogus":1}},{"from":{"type":"indirect","id":"d"},"to":{"type":"path","path":"/d"}}]}""", Here);
        Assert.Equal(new int?[] { 1, 2 }, file.Problems.Select(p => p.Index));
        Assert.Contains("needs the string attribute 'repo'", file.Problems[0].Message);
        Assert.Contains("also ignores the 2 entries after it", file.Problems[0].Message);
        Assert.Contains("'bogus'", file.Problems[1].Message);
        Assert.Equal(new[] { "a", "d" }, file.Entries.Select(e => e.Name));
        Assert.Equal(new[] { "a" }, file.EntriesNixUses.Select(e => e.Name));
        var after = file.Add(Input("e"), Input("path:/e"), null, false);
        var flakes = (JsonArray)JsonNode.Parse(after.ToText())!["flakes"]!;
        Assert.Equal(5, flakes.Count);
        Assert.Equal("o", flakes[1]!["to"]!["owner"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"version":1,"flakes":[]}""", "version 1")]
    [InlineData("""{"flakes":[]}""", "version 0")]
    [InlineData("""{"version":2,"flakes":[""", "not valid JSON")]
    [InlineData("""[]""", "not a JSON object")]
    [InlineData("""{"version":2,"flakes":{}}""", "'flakes' is not an array")]
    public void A_file_nix_cannot_read_is_reported_and_not_rewritten(string text, string expected)
    {
        var file = RegistryFile.Parse(text, Here);
        Assert.False(file.IsWellFormed);
        Assert.Contains(expected, Assert.Single(file.Problems).Message);
        Assert.Null(file.Problems[0].Index);
        Assert.Empty(file.EntriesNixUses);
        var error = Assert.Throws<RegistryWriteException>(() => file.Add(Input("a"), Input("path:/a"), null, false));
        Assert.Contains("does not rewrite", error.Message);
    }

    [Fact]
    public void A_missing_file_is_an_empty_registry_that_a_write_creates()
    {
        var file = RegistryFile.Load(Here);
        Assert.Null(file.Text);
        Assert.Empty(file.Entries);
        Assert.Equal("{\n  \"flakes\": [],\n  \"version\": 2\n}", file.ToText());
    }

    [Theory]
    [InlineData("""{"type":"indirect","id":"9bad"}""", "not a valid flake id")]
    [InlineData("""{"type":"indirect","id":"a","dir":"x"}""", "'dir'")]
    [InlineData("""{"id":"a"}""", "no string attribute 'type'")]
    [InlineData("""{"type":"github","owner":"o","repo":"r","ref":"x","rev":"0123456789abcdef0123456789abcdef01234567"}""", "both a commit hash")]
    [InlineData("""{"type":"path","path":"/a","lastModified":-1}""", "unsigned integer")]
    [InlineData("""{"type":"git","url":"https://x","rev":"abc"}""", "40 hexadecimal digits")]
    [InlineData("""{"type":"git"}""", "needs the string attribute 'url'")]
    public void Inputs_are_checked_the_way_nix_checks_them(string json, string expected)
    {
        var error = Assert.Throws<RegistryFormatException>(() => RegistryInput.FromJson(JsonNode.Parse(json), "to"));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void An_unknown_input_type_is_accepted_as_nix_accepts_it()
    {
        var input = RegistryInput.FromJson(JsonNode.Parse("""{"type":"someday","x":"y"}"""), "to");
        Assert.Equal("someday", input.Type);
        Assert.True(input.IsDirect);
    }
}
