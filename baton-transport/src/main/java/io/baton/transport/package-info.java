/**
 * Remote sources and targets, kept apart from any one protocol.
 *
 * <p>{@link io.baton.transport.RemoteSession} is the whole contract a protocol client fulfils: list a
 * folder, stat a file, stream a download into a local file, upload to a name, rename without
 * replacing, delete and create folders, each failure a {@link io.baton.transport.TransportException}
 * that says whether a retry can help. {@link io.baton.transport.RemoteConnector} opens sessions.
 * Everything above it is protocol-neutral: {@link io.baton.transport.RemoteConnection} reuses one
 * session for a run and retries dropped connections with backoff, {@link io.baton.transport.RemoteSource}
 * lists, downloads and disposes of inputs, {@link io.baton.transport.RemoteTarget} delivers outputs,
 * and {@link io.baton.transport.RemoteNames} rejects hostile remote names for every path. The SFTP
 * client lives in {@code io.baton.transport.sftp}, the FTP and FTPS client in
 * {@code io.baton.transport.ftp}; {@link io.baton.transport.RemoteConnectors} picks one by protocol.
 */
package io.baton.transport;
