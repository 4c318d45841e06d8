"""Running Reemploy: the `reemploy` command, process composition roots and the embedded dev stack."""
