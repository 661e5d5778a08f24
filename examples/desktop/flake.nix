{
  description = "A desktop: NixOS and home-manager, Hyprland and Waybar pinned to release tags";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";

    home-manager = {
      url = "github:nix-community/home-manager/release-24.05";
      inputs.nixpkgs.follows = "nixpkgs";
    };

    # Pinned to a release tag; bump with Set-FlakeInput hyprland -Ref <tag>.
    hyprland.url = "github:hyprwm/Hyprland/v0.41.2";
    hyprland.inputs.nixpkgs.follows = "nixpkgs";

    waybar.url = "github:Alexays/Waybar/0.10.4";

    wallpapers = {
      url = "git+https://codeberg.org/example/wallpapers?ref=main";
      flake = false;
    };
  };

  outputs = { self, nixpkgs, home-manager, hyprland, waybar, ... }@inputs: {
    nixosConfigurations.desktop = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      specialArgs = { inherit inputs; };
      modules = [
        ./configuration.nix
        home-manager.nixosModules.home-manager
        {
          home-manager.useGlobalPkgs = true;
          home-manager.extraSpecialArgs = { inherit inputs; };
        }
      ];
    };
  };
}
