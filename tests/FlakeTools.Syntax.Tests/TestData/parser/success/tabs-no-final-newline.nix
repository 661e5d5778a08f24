{
	indented = "with tabs";
	nested = {
		deep = 1;
	};
}