{ x }:
{
  inherit "${x}";
}
