# The guest test bed (make check-vm).
check-vm:
	@echo "check-vm: the guest test bed is not built yet"
.PHONY: check-vm
