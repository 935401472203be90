from django.shortcuts import render
from django.views.decorators.http import require_GET

from reports import dashboards
from sendhub.roles import Role

HOMES = {
    Role.SENCO: ("reports/home_senco.html", dashboards.senco_dashboard),
    Role.SENIOR_LEADER: ("reports/home_senco.html", dashboards.senco_dashboard),
    Role.TEACHER: ("reports/home_teacher.html", dashboards.teacher_home),
    Role.TEACHING_ASSISTANT: ("reports/home_ta.html", dashboards.ta_home),
    Role.GOVERNOR: ("reports/home_governor.html", dashboards.governor_home),
    Role.PARENT: ("reports/home_parent.html", dashboards.parent_home),
    Role.TRUST_LEAD: ("reports/home_trust.html", dashboards.trust_home),
    Role.ADMIN: ("reports/home_admin.html", dashboards.admin_home),
}


@require_GET
def home(request):
    """Each role's home page; a person with no role is told who to ask."""
    if request.membership is None:
        return render(request, "reports/home_no_role.html", status=403)
    template_name, build_context = HOMES[request.membership.role]
    return render(request, template_name, build_context(request))
