{
  description = "Example flake";

  inputs = {
    nixpkgs.url = "github:nixos/nixpkgs/nixos-23.05";
    home-manager = {
      url = "github:nix-community/home-manager/release-23.05";
      inputs.nixpkgs.follows = "nixpkgs";
    };
    "quoted-input".url = "github:owner/repo";
    src = { url = "github:owner/src"; flake = false; };
  };
  inputs.hyprland.url = "github:hyprwm/Hyprland/v0.29.1";

  outputs = { self, nixpkgs, home-manager, ... }@inputs: {
    nixosConfigurations.host = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      specialArgs = { inherit inputs; };
      modules = [ ./configuration.nix ];
    };
  };
}
