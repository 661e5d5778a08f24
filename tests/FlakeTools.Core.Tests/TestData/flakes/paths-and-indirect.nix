{
  inputs = {
    local.url = "path:./sub";
    nixpkgs.url = "nixpkgs/nixos-24.05";
    registry.url = "flake:nixpkgs";
    tarball.url = "https://example.org/archive/v1.tar.gz";
    git-file.url = "git+file:///srv/repo?ref=refs/tags/v1.0";
  };
  outputs = { self, ... }: { };
}
