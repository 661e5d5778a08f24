{
  inputs.nixpkgs = {
    type = "github";
    owner = "NixOS";
    repo = "nixpkgs";
    ref = "nixos-24.05";
  };
  inputs.src = {
    type = "git";
    url = "https://example.org/src.git";
    submodules = true;
    flake = false;
  };
  outputs = { self, nixpkgs, src }: { };
}
