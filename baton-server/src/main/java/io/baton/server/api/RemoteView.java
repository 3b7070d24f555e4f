package io.baton.server.api;

import io.baton.core.config.RemoteSpec;
import io.baton.core.config.RemoteSpec.AlgorithmPolicy;
import io.baton.core.config.RemoteSpec.HostKeyPolicy;
import io.baton.core.config.ServiceDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The remote endpoints of a service as the API shows them: where, over which protocol, and each setting
 * that weakens the connection's security, so that an operator sees an opt-in such as old algorithms
 * without reading the descriptor. Credentials are never part of it.
 */
final class RemoteView {

    private RemoteView() {
    }

    static List<Map<String, Object>> of(ServiceDescriptor d) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (d.source().remote() != null) {
            out.add(endpoint("source", d.source().remote()));
        }
        for (int i = 0; i < d.targets().size(); i++) {
            if (d.targets().get(i).remote() != null) {
                out.add(endpoint("targets[" + i + "]", d.targets().get(i).remote()));
            }
        }
        return out;
    }

    private static Map<String, Object> endpoint(String role, RemoteSpec r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("protocol", r.protocol());
        m.put("server", r.server());
        m.put("folder", r.folder());
        List<String> weakened = new ArrayList<>();
        if (r.algorithmPolicy() == AlgorithmPolicy.ALLOW_LEGACY && "sftp".equals(r.protocol())) {
            weakened.add("algorithms: allow-legacy (SHA-1 key exchange and ssh-rsa host keys accepted)");
        }
        if (r.hostKeyPolicy() == HostKeyPolicy.ACCEPT_NEW && "sftp".equals(r.protocol())) {
            weakened.add("hostKeys: accept-new (an unknown host key is trusted on first use)");
        }
        if ("ftp".equals(r.protocol())) {
            weakened.add("plain FTP: the password and the files cross the network unencrypted");
        }
        m.put("weakened", weakened);
        return m;
    }
}
