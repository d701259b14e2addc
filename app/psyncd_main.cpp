// psyncd entry point: everything else lives in app_lib.
int main() { return 0; }
