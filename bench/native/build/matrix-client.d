build/matrix-client.o: matrix-client.c build/bench-peer-client-protocol.h
build/bench-peer-client-protocol.h:
