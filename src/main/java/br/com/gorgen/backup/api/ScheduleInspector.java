package br.com.gorgen.backup.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.Scheduler;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;

/** Reads the next fire times of the Quartz triggers, for the status endpoint. */
public class ScheduleInspector {
    private final CamelContext context;

    public ScheduleInspector(CamelContext context) {
        this.context = context;
    }

    public List<Map<String, Object>> nextRuns() {
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            Scheduler scheduler = context.getComponent("quartz", QuartzComponent.class).getScheduler();
            if (scheduler == null) {
                return out;
            }
            for (TriggerKey key : scheduler.getTriggerKeys(GroupMatcher.anyTriggerGroup())) {
                Trigger t = scheduler.getTrigger(key);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", key.getGroup() + "/" + key.getName());
                m.put("nextRun", t.getNextFireTime() == null ? null : t.getNextFireTime().toInstant().toString());
                out.add(m);
            }
        } catch (Exception e) {
            out.add(Map.of("error", "schedules unavailable: " + e.getMessage()));
        }
        return out;
    }
}
