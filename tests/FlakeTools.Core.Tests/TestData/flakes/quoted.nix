{
  inputs."nixpkgs".url = "github:NixOS/nixpkgs";
  inputs = { "my-input" = { url = "git+https://example.org/repo.git?ref=main"; }; };
  outputs = { self, ... }: { };
}
