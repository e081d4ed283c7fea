"""The log's side of witnessing: the witnesses a production names (`naming`), asking
them to cosign its checkpoints after new heads (`asking`, run by the server's timer), and
what their refusals reveal (`findings`: the first size at which the log contradicts what
a witness cosigned). The witness itself is `coldcheck.witness`."""
