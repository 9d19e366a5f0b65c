package io.moodlectl.storage.btrfs;

import io.moodlectl.storage.PoolUsage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BtrfsUsageTest {
    private static final String OUTPUT = """
            Overall:
                Device size:		         136314880
                Device allocated:		          92274688
                Device unallocated:		          44040192
                Device missing:		                 0
                Device slack:		                 0
                Used:			            360448
                Free (estimated):		          52428800	(min: 30408704)
                Free (statfs, df):		          51380224
                Data ratio:			              1.00
                Metadata ratio:		              2.00
                Global reserve:		           5767168	(used: 0)
                Multiple profiles:		                no

            Data,single: Size:8388608, Used:0 (0.00%)
               /dev/loop0	   8388608
            """;

    @Test
    void readsDeviceSizeUsedAndEstimatedFreeSpace() {
        assertThat(BtrfsDriver.parseUsage(OUTPUT)).contains(new PoolUsage(136_314_880L, 360_448L, 52_428_800L));
    }

    @Test
    void isEmptyWhenTheOutputIsNotWhatWasExpected() {
        assertThat(BtrfsDriver.parseUsage("")).isEmpty();
        assertThat(BtrfsDriver.parseUsage("Overall:\n    Device size:  1.00GiB\n    Used: 1\n    Free (estimated): 2\n"))
                .isEmpty();
    }
}
