package io.moodlectl.runtime.docker;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.moodlectl.error.ExitCode;
import io.moodlectl.error.MoodlectlException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

class DockerErrorsTest {
    private static final DockerErrors.Subject CREATE = new DockerErrors.Subject("create container c1", "c1", "moodlectl/web:x", "net1");

    @Test
    void connectionFailuresAreApiUnreachable() {
        MoodlectlException e = DockerErrors.translate(CREATE, new RuntimeException(new ConnectException("Connection refused")));
        assertThat(e.exitCode()).isEqualTo(ExitCode.API_UNREACHABLE);
        assertThat(e.hint()).contains("scripts/podman-api.sh start");
        assertThat(DockerErrors.translate(CREATE, new UncheckedIOException(new IOException("broken pipe"))).exitCode())
                .isEqualTo(ExitCode.API_UNREACHABLE);
    }

    @Test
    void aTakenNameIsAConflictNamingTheContainer() {
        MoodlectlException e = DockerErrors.translate(CREATE, new ConflictException(
                "Status 409: {\"cause\":\"that name is already in use\",\"message\":\"creating container storage: the container name \\\"c1\\\" is already in use by abc\",\"response\":409}"));
        assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
        assertThat(e.getMessage()).isEqualTo("container c1 exists");
        assertThat(e.hint()).isEqualTo("remove it or choose another name");
    }

    @Test
    void aMissingImageIsNotReady() {
        MoodlectlException e = DockerErrors.translate(CREATE, new NotFoundException(
                "Status 404: {\"cause\":\"image not known\",\"message\":\"No such image: moodlectl/web:x\",\"response\":404}"));
        assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_READY);
        assertThat(e.getMessage()).isEqualTo("image moodlectl/web:x is missing");
        assertThat(e.hint()).contains("moodlectl images build");
    }

    @Test
    void aPortInUseIsAConflictNamingThePort() {
        MoodlectlException podman = DockerErrors.translate(DockerErrors.Subject.container("start c1", "c1"), new InternalServerErrorException(
                "Status 500: {\"message\":\"cannot listen on the TCP port: listen tcp4 127.0.0.1:18080: bind: address already in use\"}"));
        assertThat(podman.exitCode()).isEqualTo(ExitCode.CONFLICT);
        assertThat(podman.getMessage()).contains("127.0.0.1:18080");
        MoodlectlException docker = DockerErrors.translate(DockerErrors.Subject.container("start c1", "c1"), new InternalServerErrorException(
                "Status 500: {\"message\":\"driver failed programming external connectivity: Bind for 127.0.0.1:8443 failed: port is already allocated\"}"));
        assertThat(docker.exitCode()).isEqualTo(ExitCode.CONFLICT);
        assertThat(docker.getMessage()).contains("127.0.0.1:8443");
    }

    @Test
    void missingContainersAreToleratedOnStopAndRemove() {
        DockerErrors.tolerateMissing(DockerErrors.Subject.container("remove c1", "c1"), () -> {
            throw new NotFoundException("Status 404: {\"message\":\"no container with name or ID \\\"c1\\\" found: no such container\"}");
        });
    }
}
