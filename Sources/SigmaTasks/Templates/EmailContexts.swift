import DjangoTemplates
import Foundation
import SigmaDatabase

/// The contexts SIGMA's tasks pass to `render_to_string`, key for key, with values computed as
/// `tasks.py` computes them: the model instances, `timezone.now().strftime(…)` in the server's
/// zone (UTC under `USE_TZ`) for the RHITSO footer, `fecha_local_pais(…)` (the country's zone)
/// for the customer e-mails, the country's names and the employee's WhatsApp number.
/// The built-in templates also get `hay_logo`.
enum EmailContexts {
    /// `enviar_correo_rhitso_task`'s context.
    static func rhitso(
        order: OrdenConDetalle, now: Date, rendering: EmailRendering, defaultFromEmail: String
    ) -> [String: TemplateValue] {
        let server = format(now, zone: rendering.serverTimeZone)
        return [
            "orden": ModelValues.orden(order, settings: rendering.settings), "fecha_actual": .text(server.date),
            "hora_actual": .text(server.time), "agente_nombre": .text("Equipo de Soporte Técnico"),
            "agente_celular": .text("55-35-45-81-92"), "agente_correo": .text(defaultFromEmail),
        ]
    }

    /// What the two customer e-mails share.
    struct Customer {
        var order: OrdenConDetalle
        var country: Country
        var message: String
        var photos: Int
        var whatsapp: String
        var hasLogo: Bool
        var now: Date
    }

    /// `enviar_diagnostico_cliente_task`'s context.
    static func diagnostico(
        _ customer: Customer, rendering: EmailRendering, folio: String, components: [String],
        employeeEmail: String, employeeName: String
    ) -> [String: TemplateValue] {
        var values = common(customer, rendering: rendering)
        values["folio"] = .text(folio)
        values["componentes_seleccionados"] = .list(components.map(TemplateValue.text))
        values["piezas_creadas"] = .int(components.count)
        values["email_empleado"] = .text(employeeEmail)
        values["nombre_empleado"] = .text(employeeName)
        return values
    }

    /// `enviar_imagenes_cliente_task`'s context.
    static func imagenes(_ customer: Customer, rendering: EmailRendering) -> [String: TemplateValue] {
        common(customer, rendering: rendering)
    }

    private static func common(_ customer: Customer, rendering: EmailRendering) -> [String: TemplateValue] {
        let local = format(customer.now, zone: customer.country.timezone)
        var values: [String: TemplateValue] = [
            "orden": ModelValues.orden(customer.order, settings: rendering.settings),
            "detalle": ModelValues.detalle(customer.order.detalle, settings: rendering.settings),
            "mensaje_personalizado": .text(customer.message), "fecha_envio_texto": .text(local.date),
            "hora_envio_texto": .text(local.time), "cantidad_imagenes": .int(customer.photos),
            "empresa_nombre": .text(customer.country.empresaNombreCorto), "pais_nombre": .text(customer.country.nombre),
            "whatsapp_empleado": .text(customer.whatsapp),
        ]
        if !rendering.isDeployment { values["hay_logo"] = .bool(customer.hasLogo) }
        return values
    }

    /// `strftime("%d/%m/%Y")` and `strftime("%H:%M")` in a zone.
    static func format(_ date: Date, zone: String) -> (date: String, time: String) {
        LocalTime.format(date, timeZone: TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!)
    }
}
