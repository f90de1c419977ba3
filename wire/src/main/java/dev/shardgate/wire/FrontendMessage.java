package dev.shardgate.wire;

/** A message a client sends to the server: the startup packets and the typed messages of protocol 3. */
public sealed interface FrontendMessage permits StartupMessage, SslRequest, GssEncRequest, CancelRequest,
        Query, Parse, Bind, Describe, Execute, Sync, Flush, Close, CopyData, CopyDone, CopyFail,
        PasswordMessage, FunctionCall, Terminate {
}
