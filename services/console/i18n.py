"""The console's message catalogue: Chinese by default, English on request (`?lang=en` or the cookie)."""

from collections.abc import Callable

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANGUAGE_COOKIE = "console_lang"

MESSAGES: dict[str, tuple[str, str]] = {
    "app.title": ("再就业工作台", "Re-employment console"),
    "nav.caseload": ("我的个案", "My caseload"),
    "nav.supervisor": ("督导总览", "Supervisor overview"),
    "nav.targets": ("目标考核", "Target assessment"),
    "nav.outcomes": ("就业成效", "Outcomes"),
    "nav.logout": ("退出", "Log out"),
    "nav.language": ("English", "中文"),
    "nav.skip": ("跳到正文", "Skip to content"),
    "login.title": ("工作人员登录", "Staff log in"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Log in"),
    "login.failed": (
        "用户名或密码错误或账户暂时锁定",
        "Wrong username or password, or the account is locked",
    ),
    "login.unavailable": ("身份服务暂时不可用", "The identity service is unavailable"),
    "login.no_page": ("您的角色没有可用的页面", "Your role has no page here"),
    "live.label": ("实时动态", "Live events"),
    "live.new": ("新事件", "New event"),
    "caseload.by_stage": ("按阶段的个案", "Cases by stage"),
    "caseload.due_today": ("今日到期的回访", "Follow-ups due today"),
    "caseload.overdue": ("逾期回访", "Overdue follow-ups"),
    "caseload.tasks": ("待办回访", "Open follow-up tasks"),
    "caseload.cases": ("在办个案", "Open cases"),
    "caseload.none": ("暂无", "None"),
    "case.title": ("个案", "Case"),
    "case.community": ("社区", "Community"),
    "case.assistant": ("劳动协管员", "Labour assistant"),
    "case.stage": ("当前阶段", "Journey stage"),
    "case.status": ("状态", "Status"),
    "case.hardship": ("困难类别", "Hardship flags"),
    "case.layoff_date": ("下岗日期", "Layoff date"),
    "case.complaint_open": ("有未结维权投诉", "A complaint is open"),
    "case.no_complaint": ("无未结投诉", "No open complaint"),
    "case.timeline": ("时间线", "Timeline"),
    "case.follow_ups": ("回访", "Follow-ups"),
    "case.complaints": ("维权投诉", "Complaints"),
    "case.outcomes": ("成效测量", "Outcome measures"),
    "case.not_found": ("没有这个个案", "No such case"),
    "case.forbidden": ("您无权查看该个案", "You may not open this case"),
    "followup.due_on": ("到期日", "Due on"),
    "followup.sequence": ("次序", "Visit"),
    "followup.overdue": ("逾期", "Overdue"),
    "followup.escalated": ("已升级", "Escalated"),
    "followup.record": ("登记回访", "Record the follow-up"),
    "followup.still_working": ("仍在工作", "Still working"),
    "followup.contract": ("已签劳动合同", "Labour contract signed"),
    "followup.insurance": ("已缴社会保险", "Social insurance paid"),
    "followup.earnings": ("月收入(元)", "Monthly earnings (yuan)"),
    "followup.satisfaction": ("满意度(1-5)", "Satisfaction (1-5)"),
    "followup.recorded": ("回访已登记", "The follow-up is recorded"),
    "supervisor.balance": ("各协管员个案量", "Caseload per assistant"),
    "supervisor.open_cases": ("在办个案数", "Open cases"),
    "supervisor.unassigned": ("未分配个案", "Unassigned cases"),
    "supervisor.overdue": ("逾期回访", "Overdue follow-ups"),
    "supervisor.breaches": ("投诉超期升级", "Complaint deadline breaches"),
    "supervisor.reassign": ("改派", "Reassign"),
    "supervisor.reassign_to": ("改派给", "Reassign to"),
    "supervisor.reassigned": ("个案已改派", "The case is reassigned"),
    "complaint.category": ("类别", "Category"),
    "complaint.status": ("状态", "Status"),
    "complaint.level": ("升级至", "Escalated to"),
    "targets.year": ("年度", "Year"),
    "targets.area": ("街道/社区", "Street / community"),
    "targets.indicator": ("指标", "Indicator"),
    "targets.target": ("目标", "Target"),
    "targets.actual": ("完成", "Actual"),
    "targets.progress": ("进度", "Progress"),
    "targets.set": ("设定目标", "Set a target"),
    "targets.saved": ("目标已保存", "The target is saved"),
    "targets.kind": ("层级", "Level"),
    "targets.trend": ("近五年完成情况", "Achievements over five years"),
    "targets.none": ("本年度尚未设定目标", "No target set for this year"),
    "targets.street_of": ("所属街道", "Street"),
    "targets.all_streets": ("返回全部街道", "Back to all streets"),
    "targets.map_community": ("社区归属街道", "Community belongs to street"),
    "area.street": ("街道", "Street"),
    "area.community": ("社区", "Community"),
    "indicator.reemployed": ("实现再就业", "Re-employed"),
    "indicator.trained": ("参加培训", "Trained"),
    "indicator.placed_4050": ("“4050”人员安置", "\u201c4050\u201d placed"),
    "indicator.businesses_started": ("自主创业", "Businesses started"),
    "indicator.complaints_resolved": ("投诉办结", "Complaints resolved"),
    "outcomes.quarter": ("退出季度", "Exit quarter"),
    "outcomes.employed_q2": ("退出后第2季度就业率", "Employed in 2nd quarter after exit"),
    "outcomes.employed_q4": ("退出后第4季度就业率", "Employed in 4th quarter after exit"),
    "outcomes.median_earnings": ("季度收入中位数(元)", "Median quarterly earnings (yuan)"),
    "outcomes.credential": ("获得证书比例", "Credential attainment"),
    "outcomes.measured": ("测量人数", "Workers measured"),
    "outcomes.trend": ("成效趋势", "Outcome trends"),
    "stage.assessment": ("评估", "Assessment"),
    "stage.guidance_and_plan": ("引导与计划", "Guidance and plan"),
    "stage.training": ("培训", "Training"),
    "stage.job_search": ("求职", "Job search"),
    "stage.placed": ("已安置", "Placed"),
    "stage.business_started": ("已创业", "Business started"),
    "stage.follow_up": ("跟踪回访", "Follow-up"),
    "stage.stable_employment": ("稳定就业", "Stable employment"),
    "stage.exited": ("已退出", "Exited"),
    "form.yes": ("是", "Yes"),
    "form.no": ("否", "No"),
    "form.save": ("保存", "Save"),
    "event.intake.worker_registered": ("登记下岗职工并建立个案", "Worker registered, case opened"),
    "event.intake.case_assigned": ("分配劳动协管员", "Case assigned to a labour assistant"),
    "event.intake.guidance_session_recorded": ("思想引导/职业指导", "Guidance session"),
    "event.intake.plan_status_changed": ("再就业计划", "Re-employment plan"),
    "event.intake.skills_profile_updated": ("素质档案更新", "Skills profile updated"),
    "event.intake.consent_granted": ("同意共享数据", "Consent granted"),
    "event.intake.consent_withdrawn": ("撤回同意", "Consent withdrawn"),
    "event.intake.case_closed": ("个案关闭", "Case closed"),
    "event.intake.case_reopened": ("个案重开", "Case reopened"),
    "event.journey.stage_changed": ("阶段变化", "Journey stage changed"),
    "event.journey.follow_up_overdue": ("回访逾期", "Follow-up overdue"),
    "event.journey.follow_up_escalated": ("回访逾期已升级", "Overdue follow-up escalated"),
    "event.journey.review_due": ("需要复核", "Review due"),
    "event.journey.outcome_measured": ("成效测量", "Outcome measured"),
    "event.training.enrolled": ("报名培训", "Enrolled in training"),
    "event.training.waitlisted": ("培训候补", "Waitlisted for training"),
    "event.training.withdrawn": ("退出培训", "Withdrew from training"),
    "event.training.attendance_recorded": ("培训考勤", "Attendance recorded"),
    "event.training.completed": ("完成培训", "Training completed"),
    "event.training.failed": ("培训未完成", "Training not completed"),
    "event.training.certificate_issued": ("获得证书", "Certificate issued"),
    "event.placement.referral_made": ("推荐就业", "Referred to a vacancy"),
    "event.placement.referral_answered": ("推荐结果", "Referral answered"),
    "event.placement.hired": ("实现就业", "Hired"),
    "event.placement.job_ended": ("工作结束", "Job ended"),
    "event.placement.business_planned": ("创业计划", "Business planned"),
    "event.placement.business_started": ("自主创业", "Business started"),
    "event.placement.business_closed": ("创业停止", "Business closed"),
    "event.placement.job_fair_attended": ("参加招聘会", "Attended a job fair"),
    "event.placement.follow_up_task_created": ("安排回访", "Follow-up scheduled"),
    "event.placement.follow_up_completed": ("完成回访", "Follow-up recorded"),
    "event.complaints.complaint_opened": ("维权投诉受理", "Complaint opened"),
    "event.complaints.complaint_status_changed": ("投诉状态变化", "Complaint status changed"),
    "event.complaints.complaint_closed": ("投诉办结", "Complaint closed"),
    "event.complaints.complaint_escalated": ("投诉超期升级", "Complaint escalated"),
    "error.action_failed": ("操作未完成", "The action did not go through"),
}
"""Every label, as (Chinese, English)."""


def language_of(query: str | None, cookie: str | None) -> str:
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return str(choice)
    return DEFAULT_LANGUAGE


def event_key(event_type: str) -> str:
    """`placement.hired.v1` → `event.placement.hired` (labels do not change with the version)."""
    return "event." + event_type.rsplit(".", 1)[0]


def translator(language: str) -> Callable[[str], str]:
    """`t(key)` for a page; an unknown key shows as itself, so a missing label is visible, not fatal."""
    column = LANGUAGES.index(language)

    def t(key: str) -> str:
        labels = MESSAGES.get(key)
        return key if labels is None else labels[column]

    return t
