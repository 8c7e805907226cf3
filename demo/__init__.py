"""The bundled demo employer site and the server that serves it on 127.0.0.1."""
