{
  greeting = "héllo wörld — 你好 🙂";
  # comment with ünïcödé ✓
  indented = ''
    ñ ${"é"}
  '';
}
