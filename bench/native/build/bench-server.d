build/bench-server.o: bench-server.c build/bench-peer-server-protocol.h
build/bench-peer-server-protocol.h:
