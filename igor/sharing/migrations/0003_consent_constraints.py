# The constraints of 0002, in a migration of their own: on PostgreSQL a table whose rows were
# just updated in the same transaction cannot be altered.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0002_consent_structure_categories_approval_concerns"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='sharingbasis',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('consent_form', ''), ('given_by', ''), ('kind', 'statutory')), models.Q(('kind', 'consent'), models.Q(('consent_form', ''), _negated=True), models.Q(('given_by', ''), _negated=True)), _connector='OR'), name='basis_consent_says_how_and_by_whom'),
        ),
        migrations.AddConstraint(
            model_name='sharingbasis',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('consent_form', 'oral'), _negated=True), models.Q(('witness', ''), _negated=True), _connector='OR'), name='basis_oral_consent_has_witness'),
        ),
        migrations.AddConstraint(
            model_name='sharingbasis',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('given_by', 'guardian'), _negated=True), models.Q(('given_by_name', ''), _negated=True), _connector='OR'), name='basis_guardian_named'),
        ),
        migrations.AddConstraint(
            model_name='sharingbasis',
            constraint=models.CheckConstraint(condition=models.Q(('approval__in', ['not_needed', 'pending', 'approved', 'refused'])), name='basis_approval_known'),
        ),
        migrations.AddConstraint(
            model_name='sharingbasis',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('approval__in', ['not_needed', 'pending']), ('decided_by__isnull', True)), models.Q(('approval__in', ['approved', 'refused']), ('decided_at__isnull', False), ('decided_by__isnull', False)), _connector='OR'), name='basis_decision_has_decider'),
        ),
        migrations.AddConstraint(
            model_name='sharingbasis',
            constraint=models.CheckConstraint(condition=models.Q(('decided_by__isnull', True), models.Q(('decided_by', models.F('recorded_by')), _negated=True), _connector='OR'), name='basis_no_self_approval'),
        ),
        migrations.AddConstraint(
            model_name='sharingbasis',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('ended_reason', ''), ('withdrawn_at__isnull', True)), models.Q(('withdrawn_at__isnull', False), models.Q(('ended_reason', ''), _negated=True)), _connector='OR'), name='basis_end_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='sharingbasis',
            constraint=models.CheckConstraint(condition=models.Q(('covers_person', True), ('covers_contact', True), ('covers_cases', True), ('covers_incidents', True), ('covers_risk_assessment', True), ('covers_safety_plan', True), ('covers_support', True), ('covers_journal', True), _connector='OR'), name='basis_covers_something'),
        ),
        migrations.AddConstraint(
            model_name='sharingbasis',
            constraint=models.CheckConstraint(condition=models.Q(('covers_contact', False), ('covers_person', True), _connector='OR'), name='basis_contact_needs_person'),
        ),
        migrations.AddConstraint(
            model_name='sharingbasis',
            constraint=models.CheckConstraint(condition=models.Q(('covers_incidents', False), ('covers_cases', True), _connector='OR'), name='basis_incidents_needs_cases'),
        ),
        migrations.AddConstraint(
            model_name='sharingbasis',
            constraint=models.CheckConstraint(condition=models.Q(('covers_risk_assessment', False), ('covers_cases', True), _connector='OR'), name='basis_risk_assessment_needs_cases'),
        ),
        migrations.AddConstraint(
            model_name='sharingbasis',
            constraint=models.CheckConstraint(condition=models.Q(('covers_safety_plan', False), ('covers_cases', True), _connector='OR'), name='basis_safety_plan_needs_cases'),
        ),
        migrations.AddConstraint(
            model_name='sharingbasis',
            constraint=models.CheckConstraint(condition=models.Q(('covers_support', False), ('covers_cases', True), _connector='OR'), name='basis_support_needs_cases'),
        ),
        migrations.AddConstraint(
            model_name='sharingbasis',
            constraint=models.CheckConstraint(condition=models.Q(('covers_journal', False), ('covers_cases', True), _connector='OR'), name='basis_journal_needs_cases'),
        ),
        migrations.AddConstraint(
            model_name='reportofconcern',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'sent', 'received', 'responded'])), name='concern_status_known'),
        ),
        migrations.AddConstraint(
            model_name='reportofconcern',
            constraint=models.CheckConstraint(condition=models.Q(('organisation', models.F('recipient')), _negated=True), name='concern_crosses_the_wall'),
        ),
        migrations.AddConstraint(
            model_name='reportofconcern',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('sent_at__isnull', True), ('status', 'draft')), models.Q(('basis__isnull', False), ('sent_at__isnull', False), ('sent_by__isnull', False), ('status__in', ['sent', 'received', 'responded'])), _connector='OR'), name='concern_sent_has_time_reporter_basis'),
        ),
        migrations.AddConstraint(
            model_name='reportofconcern',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('received_at__isnull', True), ('status__in', ['draft', 'sent'])), models.Q(('received_at__isnull', False), ('response_due__isnull', False), ('status__in', ['received', 'responded'])), _connector='OR'), name='concern_received_has_time_and_due_date'),
        ),
        migrations.AddConstraint(
            model_name='reportofconcern',
            constraint=models.CheckConstraint(condition=models.Q(('responded_at__isnull', True), ('status', 'responded'), _connector='OR'), name='concern_feedback_only_when_responded'),
        ),
        migrations.AddConstraint(
            model_name='reportofconcern',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'responded'), _negated=True), models.Q(('responded_at__isnull', False), models.Q(('response', ''), _negated=True)), _connector='OR'), name='concern_responded_has_feedback'),
        ),
    ]
