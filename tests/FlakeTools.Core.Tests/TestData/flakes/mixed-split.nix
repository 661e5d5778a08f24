{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-22.05";
  inputs = {
    nixpkgs-unstable.url = "github:NixOS/nixpkgs";
    elgato.url = "github:waxlamp/elgato/flakes";
  };
  inputs.home-manager = {
    url = "github:nix-community/home-manager/release-22.05";
    inputs.nixpkgs.follows = "nixpkgs";
  };
  inputs.elgato.inputs.nixpkgs.follows = "nixpkgs";
  outputs = { self, nixpkgs, nixpkgs-unstable, home-manager, elgato }: { };
}
