{
  description = "inputs Nix reads that a simpler reader gets wrong";
  inputs = {
    nixpkgs.url = github:NixOS/nixpkgs/nixos-24.05;
    branch.url = "github:owner/repo/fix/some-branch";
    leading.url = "github:/owner/repo/main";
    trailing.url = "github:owner/repo/?ref=x";
    secrets = {
      type = "git";
      url = "ssh://git@host/me/x.git";
      ref = "main";
      flake = false;
    };
    scp = {
      type = "git";
      url = "git@host:me/y.git";
    };
    dep.url = "git+file:///path/dep?submodules";
    empty = {
      url = "github:owner/empty";
      inputs = { };
    };
  };
  outputs = { self, ... }: { };
}
