package io.baton.core.settings;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settings and cluster-wide variables in the data directory, read by whichever node is active:
 *
 * <pre>
 *   settings/variables.json          cluster-wide variables
 *   settings/services/&lt;name&gt;.json   the settings of one service
 * </pre>
 *
 * Every file may hold secrets, so each is created {@code rw-------}, written to a temporary file and renamed
 * over the old one, so that a reader sees the old or the new content and never a part.
 *
 * <p>NOTE: updates are serialised within one JVM only. Only the active node serves the API that writes them, so
 * two nodes write at once only in the moments of a switch-over.
 */
public final class SettingsStore {

    private static final Logger log = LoggerFactory.getLogger(SettingsStore.class);

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");

    /** The content of {@code variables.json}. */
    private record VariablesFile(Map<String, Setting> variables) {
    }

    /** Serialises the updates of every store in this JVM, because each API call makes a store of its own. */
    private static final Object JVM_UPDATE_LOCK = new Object();

    private final Path folder;

    /** @param folder the data directory's {@code settings/} folder */
    public SettingsStore(Path folder) {
        this.folder = folder;
    }

    public Path variablesFile() {
        return folder.resolve("variables.json");
    }

    public Path serviceFile(String service) {
        return folder.resolve("services").resolve(service + ".json");
    }

    /** Returns the cluster-wide variables by name; none when the file does not exist. */
    public Map<String, Setting> variables() throws IOException {
        VariablesFile f = read(variablesFile(), VariablesFile.class);
        return f == null || f.variables() == null ? Map.of() : new TreeMap<>(f.variables());
    }

    /** Returns the settings of a service; {@link ServiceSettings#NONE} when it has none. */
    public ServiceSettings service(String service) throws IOException {
        ServiceSettings s = read(serviceFile(service), ServiceSettings.class);
        return s == null ? ServiceSettings.NONE : s;
    }

    /** Applies a change to the variables and writes the result; a change that throws leaves the file as it was. */
    public Map<String, Setting> updateVariables(UnaryOperator<Map<String, Setting>> change) throws IOException {
        synchronized (JVM_UPDATE_LOCK) {
            Map<String, Setting> next = new TreeMap<>(change.apply(variables()));
            write(variablesFile(), new VariablesFile(next));
            return next;
        }
    }

    /** Applies a change to a service's settings and writes the result; a change that throws leaves the file as it was. */
    public ServiceSettings updateService(String service, UnaryOperator<ServiceSettings> change) throws IOException {
        synchronized (JVM_UPDATE_LOCK) {
            ServiceSettings next = change.apply(service(service));
            write(serviceFile(service), next);
            return next;
        }
    }

    private <T> T read(Path file, Class<T> type) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            return JSON.readValue(bytes, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // The parser's message can quote the file's content, which may contain a secret, so only its position is given.
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new IOException("the settings file " + file + " is not valid JSON" + where + "; restore it from a backup, or move"
                    + " it away and set the values again with baton settings or baton variables");
        }
    }

    private void write(Path file, Object content) throws IOException {
        createFolder(folder);
        createFolder(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(temp);
        try (FileChannel out = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
            out.write(ByteBuffer.wrap(JSON.writeValueAsBytes(content)));
            out.force(true);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        syncFolder(file.getParent());
    }

    private static void createFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FOLDER));
        }
    }

    /** Fsyncs a folder so that a rename in it survives a crash; a file system that cannot is logged at DEBUG. */
    private static void syncFolder(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            log.debug("Cannot fsync the folder {} after writing a settings file: {}", dir, e.toString());
        }
    }
}
