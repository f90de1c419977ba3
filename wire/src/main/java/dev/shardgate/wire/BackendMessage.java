package dev.shardgate.wire;

/** A message the server sends to a client. */
public sealed interface BackendMessage permits AuthenticationOk, AuthenticationCleartextPassword,
        AuthenticationMd5Password, AuthenticationSasl, AuthenticationSaslContinue, AuthenticationSaslFinal,
        ParameterStatus, BackendKeyData, ReadyForQuery, RowDescription, DataRow, CommandComplete,
        EmptyQueryResponse, ErrorResponse, NoticeResponse, NotificationResponse, ParseComplete, BindComplete,
        CloseComplete, NoData, PortalSuspended, ParameterDescription, CopyInResponse, CopyOutResponse,
        CopyBothResponse, CopyData, CopyDone, NegotiateProtocolVersion, FunctionCallResponse {
}
